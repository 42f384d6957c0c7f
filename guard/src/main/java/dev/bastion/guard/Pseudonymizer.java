package dev.bastion.guard;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces sensitive values with consistent surrogates ({@code <EMAIL_ADDRESS_1>}) for the life of one request and
 * restores them in the answer. The same value gets the same surrogate everywhere in the request.
 *
 * <p>This is the per-request form; a vault that keeps surrogates consistent across a conversation belongs to the
 * pseudonymisation issue. Instances are not thread-safe: one per request.
 */
public final class Pseudonymizer {
    private final Map<String, String> surrogateByValue = new HashMap<>();
    private final Map<String, String> valueBySurrogate = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** Rewrites the spans of {@code segment} found in {@code findings}. */
    public String pseudonymise(String text, int segment, List<Finding> findings) {
        return Redactor.rewrite(text, segment, findings, f -> surrogate(f.type(), text.substring(f.start(), f.end())));
    }

    /** The surrogate for {@code value} of type {@code type}, the same one each time within this instance. */
    public String surrogate(String type, String value) {
        return surrogateByValue.computeIfAbsent(type + '\u0000' + value, k -> {
            int n = counters.merge(type, 1, Integer::sum);
            String surrogate = "<" + type + "_" + n + ">";
            valueBySurrogate.put(surrogate, value);
            return surrogate;
        });
    }

    /** Whether any value was replaced. */
    public boolean isEmpty() {
        return valueBySurrogate.isEmpty();
    }

    /** Puts the original values back wherever a surrogate appears in {@code text}. */
    public String restore(String text) {
        if (valueBySurrogate.isEmpty() || text.indexOf('<') < 0) {
            return text;
        }
        String out = text;
        for (Map.Entry<String, String> e : valueBySurrogate.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The longest surrogate, so a stream can hold back enough text to restore one that spans two chunks. */
    public int longestSurrogate() {
        int longest = 0;
        for (String s : valueBySurrogate.keySet()) {
            longest = Math.max(longest, s.length());
        }
        return longest;
    }
}
