package dev.bastion.gateway.pipeline;

import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.injection.QuotedDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a scanner on the content a model reads rather than on what the user typed: the content of {@code role: tool}
 * messages (tools, retrieved documents, web pages), and the documents a user pastes into a message between explicit
 * delimiters (triple quotes, fenced blocks, quote runs, XML-style elements: {@link QuotedDocuments}). Injected
 * instructions hide in both (indirect prompt injection): a review, an e-mail or a web page the user asks to have
 * summarised is data, whoever pasted it. The user's own words around such a document are not passed to the inner
 * scanner, so a route can judge content without second-guessing its own users. Findings keep the segment index of
 * the whole request; a finding in a pasted document covers the document's characters within the message.
 * Immutable and thread-safe when the inner scanner is.
 *
 * @param id the id this scanner answers to in config, metrics and audit records
 * @param inner the scanner that judges content
 */
record ToolContentScanner(String id, Scanner inner) implements Scanner {
    /** The scanner id of the prompt-injection scanner restricted to content. */
    static final String TOOL_INJECTION = "tool-injection";

    ToolContentScanner {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(inner, "inner");
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        return List.of(); // without roles there is neither tool content nor a user's message
    }

    /** Where a judged text sits in the request: its segment, and its range there (a whole tool result, or a block). */
    private record Place(int segment, int start, int end, boolean whole) {}

    @Override
    public List<Finding> scan(List<String> segments, List<String> roles) {
        List<String> texts = new ArrayList<>();
        List<Place> places = new ArrayList<>();
        for (int i = 0; i < segments.size() && i < roles.size(); i++) {
            String segment = segments.get(i);
            if (roles.get(i).equals("tool")) {
                texts.add(segment);
                places.add(new Place(i, 0, segment.length(), true));
            } else if (roles.get(i).equals("user")) {
                for (QuotedDocuments.Block b : QuotedDocuments.in(segment)) {
                    texts.add(b.text());
                    places.add(new Place(i, b.start(), b.end(), false));
                }
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Finding> found = inner.scan(texts, texts.stream().map(t -> "tool").toList());
        List<Finding> out = new ArrayList<>(found.size());
        for (Finding f : found) {
            Place p = places.get(f.segment());
            int start = p.whole() ? f.start() : p.start();
            int end = p.whole() ? f.end() : p.end();
            out.add(new Finding(f.type(), p.segment(), start, end, f.score(), id));
        }
        return List.copyOf(out);
    }
}
