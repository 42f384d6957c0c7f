package dev.bastion.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds whole-token strings (control or user-defined tokens) in text, longest first at each position, and cuts the
 * text around them. Immutable and thread-safe.
 */
final class SpecialTokens {

    /** Receives the pieces of a text in order: runs of ordinary text, and matched tokens. */
    interface Sink {
        void text(String run);

        void token(int id);
    }

    private record Entry(String text, int id) {
    }

    /* Candidates are grouped by first UTF-16 unit and sorted longest first, so the first candidate that matches at
     * a position is the longest, as llama.cpp does (it sorts its special-token cache by length). */
    private final Map<Character, Entry[]> byFirstChar;

    /** @param tokens text to id of the tokens to recognise (empty texts are ignored) */
    SpecialTokens(Map<String, Integer> tokens) {
        var groups = new HashMap<Character, List<Entry>>();
        tokens.forEach((text, id) -> {
            if (!text.isEmpty()) {
                groups.computeIfAbsent(text.charAt(0), k -> new ArrayList<>()).add(new Entry(text, id));
            }
        });
        var sorted = new HashMap<Character, Entry[]>();
        groups.forEach((first, list) -> {
            list.sort(Comparator.comparingInt((Entry e) -> -e.text().length()).thenComparing(Entry::text));
            sorted.put(first, list.toArray(Entry[]::new));
        });
        this.byFirstChar = Map.copyOf(sorted);
    }

    boolean isEmpty() {
        return byFirstChar.isEmpty();
    }

    /** Cuts {@code text} into text runs and tokens, in order; empty runs are not reported. */
    void split(String text, Sink sink) {
        int runStart = 0;
        int i = 0;
        while (i < text.length()) {
            Entry[] candidates = byFirstChar.get(text.charAt(i));
            Entry match = null;
            if (candidates != null) {
                for (Entry e : candidates) {
                    if (text.startsWith(e.text(), i)) {
                        match = e;
                        break;
                    }
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (i > runStart) {
                sink.text(text.substring(runStart, i));
            }
            sink.token(match.id());
            i += match.text().length();
            runStart = i;
        }
        if (runStart < text.length()) {
            sink.text(text.substring(runStart));
        }
    }
}
