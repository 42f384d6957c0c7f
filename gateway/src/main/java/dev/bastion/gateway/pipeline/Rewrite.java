package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.Redactor;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stage 5: applies a verdict's redactions and pseudonymisations to the request, and later restores pseudonyms in
 * the answer. Where a redaction and a pseudonymisation overlap, the earlier span wins (see {@link Redactor}).
 * One instance per request; not thread-safe.
 */
public final class Rewrite {
    private final ObjectNode upstreamRequest;
    private final Pseudonymizer pseudonymizer;

    private Rewrite(ObjectNode upstreamRequest, Pseudonymizer pseudonymizer) {
        this.upstreamRequest = upstreamRequest;
        this.pseudonymizer = pseudonymizer;
    }

    public static Rewrite apply(ChatRequest request, Verdict verdict) {
        Pseudonymizer pseudonymizer = new Pseudonymizer();
        if (!(verdict instanceof Verdict.Transform t) || (t.redact().isEmpty() && t.pseudonymise().isEmpty())) {
            return new Rewrite(request.json().deepCopy(), pseudonymizer);
        }
        Set<Finding> redact = new HashSet<>(t.redact());
        List<Finding> all = new ArrayList<>(t.redact());
        all.addAll(t.pseudonymise());
        List<String> texts = request.texts();
        List<String> rewritten = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String original = texts.get(i);
            rewritten.add(Redactor.rewrite(original, i, all, f -> redact.contains(f)
                    ? "[" + f.type() + "]"
                    : pseudonymizer.surrogate(f.type(), original.substring(f.start(), f.end()))));
        }
        return new Rewrite(request.withTexts(rewritten), pseudonymizer);
    }

    /** The request to send upstream (a copy; the client's request is untouched). */
    public ObjectNode upstreamRequest() {
        return upstreamRequest;
    }

    public Pseudonymizer pseudonymizer() {
        return pseudonymizer;
    }

    /** Restores pseudonyms in every choice of a complete answer: message content and tool-call arguments. */
    public void restore(ObjectNode answer) {
        if (pseudonymizer.isEmpty()) {
            return;
        }
        for (JsonNode choice : answer.path("choices")) {
            if (choice.path("message") instanceof ObjectNode m) {
                if (m.path("content").isTextual()) {
                    m.put("content", pseudonymizer.restore(m.get("content").asText()));
                }
                for (JsonNode call : m.path("tool_calls")) {
                    if (call.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                        fn.put("arguments", pseudonymizer.restore(fn.get("arguments").asText()));
                    }
                }
            }
        }
    }
}
