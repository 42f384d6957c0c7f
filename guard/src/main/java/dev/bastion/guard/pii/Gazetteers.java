package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The word lists the name model reads, loaded once from {@code gazetteer/*.txt}: first and last names, cities,
 * countries, states, company and street suffixes (from @faker-js/faker, MIT; see NOTICE), titles,
 * nationality/religious/political group words, major cities and common country names (ours). Lookups take a lower-case token; multi-word entries are also
 * kept whole for the generator and for span matching. Immutable and thread-safe.
 */
final class Gazetteers {
    static final int FIRST = 1;
    static final int LAST = 2;
    static final int CITY = 4;
    static final int COUNTRY = 8;
    static final int STATE = 16;
    static final int COMPANY = 32;
    static final int STREET = 64;
    static final int TITLE = 128;
    static final int NRP = 256;

    static final List<String> FILES = List.of("first.txt", "last.txt", "city.txt", "country.txt", "state.txt",
            "company_suffix.txt", "street_suffix.txt", "title.txt", "nrp.txt", "city_major.txt",
            "country_extra.txt");
    /** The files whose entries count as another file's: major cities and common country names (ours). */
    private static final int[] SAME_AS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 2, 3};

    /** Entries as written (original case), per file, in file order. */
    final List<List<String>> entries = new ArrayList<>();
    private final java.util.HashMap<String, Integer> flags = new java.util.HashMap<>();
    /** Lower-case multi-token places ("new york", "rio de janeiro"), space-joined tokens. */
    final Set<String> multiPlaces = new HashSet<>();
    /** The first token of every entry of {@link #multiPlaces}: a cheap test before building a joined candidate. */
    final Set<String> multiPlaceFirst = new HashSet<>();
    /** SHA-256 over all the files, in order: recorded with a trained model. */
    final String sha256;

    private static final Gazetteers INSTANCE = new Gazetteers();

    static Gazetteers get() {
        return INSTANCE;
    }

    private Gazetteers() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int f = 0; f < FILES.size(); f++) {
            byte[] bytes = read(FILES.get(f));
            digest.update(bytes);
            List<String> list = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                String v = line.strip();
                if (!v.isEmpty()) {
                    list.add(v);
                }
            }
            int bit = 1 << SAME_AS[f];
            if (SAME_AS[f] != f) {
                List<String> merged = new ArrayList<>(entries.get(SAME_AS[f]));
                merged.addAll(list);
                entries.set(SAME_AS[f], List.copyOf(merged));
            }
            entries.add(List.copyOf(list));
            for (String v : list) {
                Tokens t = Tokens.of(v);
                if (t.size == 1 || (bit == COMPANY || bit == TITLE) && t.size > 0) {
                    flags.merge(t.lower[0], bit, (a, b) -> a | b);
                    if (bit == COMPANY || bit == TITLE) {
                        flags.merge(v.toLowerCase(Locale.ROOT).replace(".", ""), bit, (a, b) -> a | b);
                    }
                } else if (t.size > 1 && (bit == CITY || bit == COUNTRY || bit == STATE)) {
                    multiPlaces.add(String.join(" ", t.lower));
                    multiPlaceFirst.add(t.lower[0]);
                }
            }
        }
        sha256 = HexFormat.of().formatHex(digest.digest());
        int cap = Integer.highestOneBit(Math.max(16, flags.size() * 4 - 1)) * 2;
        flagWords = new String[cap];
        flagHashes = new int[cap];
        flagBits = new int[cap];
        flags.forEach((word, bits) -> {
            int slot = flagSlot(word, word.hashCode());
            flagWords[slot] = word;
            flagHashes[slot] = word.hashCode();
            flagBits[slot] = bits;
        });
    }

    /*
     * The lookup the name model makes for every word: an open-addressing table at most a quarter full, probed on
     * the string's own (cached) hash code, so a miss, the common case, reads one small int[] and no string; the
     * HashMap it replaces read a bucket, a node, its key and the key's bytes, each a cache miss in a big map.
     */
    private final String[] flagWords;
    private final int[] flagHashes;
    private final int[] flagBits;

    private int flagSlot(String word, int h) {
        int mask = flagWords.length - 1;
        int s = (h ^ (h >>> 16)) & mask;
        while (flagWords[s] != null && (flagHashes[s] != h || !flagWords[s].equals(word))) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /** The bit set of lists that hold the lower-case token {@code lower}; 0 when none. */
    int flags(String lower) {
        int s = flagSlot(lower, lower.hashCode());
        return flagWords[s] == null ? 0 : flagBits[s];
    }

    List<String> list(int bit) {
        return entries.get(Integer.numberOfTrailingZeros(bit));
    }

    private static byte[] read(String name) {
        try (InputStream in = Gazetteers.class.getResourceAsStream("gazetteer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("gazetteer " + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
