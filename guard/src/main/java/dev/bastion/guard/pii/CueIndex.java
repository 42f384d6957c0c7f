package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cue words of a list of recognisers, looked for in one pass over a text ({@link dev.bastion.guard.LiteralSet})
 * instead of one {@code contains} per cue and recogniser. {@link #hits} says which distinct cues occur anywhere in
 * the lower-case text (the question {@link Recognizer#mayMatch} asks with {@link String#contains}); {@link #mayMatch}
 * then answers for recogniser {@code r} exactly as {@code recognizers.get(r).mayMatch(present, lower)} does.
 * Immutable and thread-safe.
 */
final class CueIndex {
    private final List<Recognizer> recognizers;
    /** The distinct cues. */
    private final dev.bastion.guard.LiteralSet cues;
    /** Per recogniser, the indexes of its cues in {@link #cues} (empty when it has none). */
    private final int[][] cueIds;
    /** Per recogniser, the key of its cue windows: equal exactly when the cue lists and margins are. */
    private final Object[] windowKeys;

    /** A distinct (cue list, margin) pair, by its number: hashed and compared as an int. */
    private record WindowGroup(int id) {
    }

    CueIndex(List<Recognizer> recognizers) {
        this.recognizers = List.copyOf(recognizers);
        Map<String, Integer> ids = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        cueIds = new int[this.recognizers.size()][];
        windowKeys = new Object[cueIds.length];
        Map<List<Object>, WindowGroup> groups = new HashMap<>();
        for (int r = 0; r < cueIds.length; r++) {
            List<String> own = this.recognizers.get(r).cues();
            windowKeys[r] = groups.computeIfAbsent(List.of(own, this.recognizers.get(r).cueMargin()),
                    k -> new WindowGroup(groups.size()));
            cueIds[r] = new int[own.size()];
            for (int k = 0; k < own.size(); k++) {
                cueIds[r][k] = ids.computeIfAbsent(own.get(k), cue -> {
                    distinct.add(cue);
                    return distinct.size() - 1;
                });
            }
        }
        cues = new dev.bastion.guard.LiteralSet(distinct);
    }

    /**
     * The key recogniser {@code r} caches its cue windows under ({@link Recognizer#windows(String, String,
     * java.util.Map, Object)}): the same object for recognisers with equal cue lists and margins, and no other.
     */
    Object windowKey(int r) {
        return windowKeys[r];
    }

    /** Which distinct cues occur in {@code lower} (anywhere, as {@link String#contains} would find them). */
    boolean[] hits(String lower) {
        return cues.present(lower);
    }
    /**
     * Whether recogniser {@code r} may match a text whose ASCII characters are marked in {@code present} and whose
     * cues found are {@code hits}: one of its needed characters, and one of its cues when it has cues.
     */
    boolean mayMatch(int r, boolean[] present, boolean[] hits) {
        String needs = recognizers.get(r).needs();
        boolean chars = needs.isEmpty();
        for (int i = 0; i < needs.length() && !chars; i++) {
            chars = present[needs.charAt(i)];
        }
        if (!chars) {
            return false;
        }
        int[] own = cueIds[r];
        if (own.length == 0) {
            return true;
        }
        for (int id : own) {
            if (hits[id]) {
                return true;
            }
        }
        return false;
    }
}
