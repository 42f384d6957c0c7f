package dev.bastion.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replaces found spans with their type tag, for example {@code [EMAIL_ADDRESS]}. */
public final class Redactor {
    private Redactor() {
    }

    /**
     * Rewrites {@code text}, replacing each finding's span by {@code [TYPE]}. Overlapping findings are merged into
     * the first one's tag. Findings for other segments are ignored.
     */
    public static String redact(String text, int segment, List<Finding> findings) {
        return rewrite(text, segment, findings, f -> "[" + f.type() + "]");
    }

    /** Rewrites each span of {@code segment} with what {@code replacement} returns for its finding. */
    public static String rewrite(String text, int segment, List<Finding> findings,
            java.util.function.Function<Finding, String> replacement) {
        List<Finding> mine = new ArrayList<>();
        for (Finding f : findings) {
            if (f.segment() == segment && f.hasSpan() && f.end() <= text.length()) {
                mine.add(f);
            }
        }
        if (mine.isEmpty()) {
            return text;
        }
        mine.sort(Comparator.comparingInt(Finding::start).thenComparing(Comparator.comparingInt(Finding::end).reversed()));
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        for (Finding f : mine) {
            if (f.start() < pos) {
                continue;
            }
            out.append(text, pos, f.start()).append(replacement.apply(f));
            pos = f.end();
        }
        return out.append(text, pos, text.length()).toString();
    }
}
