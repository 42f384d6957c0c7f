package dev.bastion.gateway.pipeline;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a scanner on the content of {@code role: tool} messages only: the text a model reads from tools, documents
 * and web pages, where injected instructions hide (indirect prompt injection). What the user typed is not passed to
 * the inner scanner, so a route can judge retrieved content without second-guessing its own users. Findings keep
 * the segment index of the whole request. Immutable and thread-safe when the inner scanner is.
 *
 * @param id the id this scanner answers to in config, metrics and audit records
 * @param inner the scanner that judges tool content
 */
record ToolContentScanner(String id, Scanner inner) implements Scanner {
    /** The scanner id of the prompt-injection scanner restricted to tool content. */
    static final String TOOL_INJECTION = "tool-injection";

    ToolContentScanner {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(inner, "inner");
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        return List.of(); // without roles there is no tool content
    }

    @Override
    public List<Finding> scan(List<String> segments, List<String> roles) {
        List<String> texts = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            if (i < roles.size() && roles.get(i).equals("tool")) {
                texts.add(segments.get(i));
                positions.add(i);
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Finding> found = inner.scan(texts, texts.stream().map(t -> "tool").toList());
        List<Finding> out = new ArrayList<>(found.size());
        for (Finding f : found) {
            out.add(new Finding(f.type(), positions.get(f.segment()), f.start(), f.end(), f.score(), id));
        }
        return List.copyOf(out);
    }
}
