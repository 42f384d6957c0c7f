package dev.bastion.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A byte-level BPE vocabulary made up for test models: the 256 byte tokens in GPT-2's byte-to-character mapping,
 * merges learned by a tiny BPE trainer from sentences written here, random merges to reach the asked size, then
 * the control tokens of the Llama 3 and ChatML templates. llama.cpp loads it as a {@code gpt2} vocabulary.
 */
public final class SyntheticVocabulary {
    public static final List<String> SPECIALS = List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
            "<|end_header_id|>", "<|eot_id|>", "<|im_start|>", "<|im_end|>");

    public final List<String> tokens;
    public final List<String> merges;
    public final int[] types;

    private SyntheticVocabulary(List<String> tokens, List<String> merges, int[] types) {
        this.tokens = tokens;
        this.merges = merges;
        this.types = types;
    }

    public int id(String token) {
        int i = tokens.indexOf(token);
        if (i < 0) {
            throw new IllegalArgumentException("no token " + token);
        }
        return i;
    }

    /** A vocabulary of exactly {@code size} tokens (at least 256 + specials). */
    public static SyntheticVocabulary of(int size, long seed) {
        int ordinary = size - SPECIALS.size();
        if (ordinary < 256) {
            throw new IllegalArgumentException("size must be at least " + (256 + SPECIALS.size()));
        }
        String[] byteChar = byteChars();
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            add(tokens, index, byteChar[b]);
        }
        List<String> merges = new ArrayList<>();
        // Words of the corpus as token sequences ("Ġ" marks a leading space, as GPT-2's byte mapping does).
        List<List<String>> words = new ArrayList<>();
        for (String w : CORPUS.split(" ")) {
            List<String> symbols = new ArrayList<>();
            byte[] utf8 = (" " + w).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (byte b : utf8) {
                symbols.add(byteChar[b & 0xff]);
            }
            words.add(symbols);
        }
        while (tokens.size() < ordinary) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    counts.merge(w.get(i) + " " + w.get(i + 1), 1, Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (var e : counts.entrySet()) {
                if (e.getValue() > bestCount && !index.containsKey(e.getKey().replace(" ", ""))) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                break;
            }
            String[] ab = best.split(" ");
            merges.add(best);
            add(tokens, index, ab[0] + ab[1]);
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(ab[0]) && w.get(i + 1).equals(ab[1])) {
                        w.set(i, ab[0] + ab[1]);
                        w.remove(i + 1);
                    }
                }
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        String letters = "abcdefghijklmnopqrstuvwxyz";
        while (tokens.size() < ordinary) {
            // Random merges of letter tokens, so every token is reachable by a merge chain.
            String a = tokens.get(256 + random.nextInt(Math.max(1, tokens.size() - 256)) % Math.max(1, tokens.size() - 256));
            String b = String.valueOf(letters.charAt(random.nextInt(letters.length())));
            if (tokens.size() == 256) {
                a = "Ġ";
            }
            if (!index.containsKey(a + b) && index.containsKey(b)) {
                merges.add(a + " " + b);
                add(tokens, index, a + b);
            }
        }
        int[] types = new int[size];
        java.util.Arrays.fill(types, 1);
        for (String s : SPECIALS) {
            types[tokens.size()] = 3;
            add(tokens, index, s);
        }
        return new SyntheticVocabulary(List.copyOf(tokens), List.copyOf(merges), types);
    }

    private static void add(List<String> tokens, Map<String, Integer> index, String t) {
        index.put(t, tokens.size());
        tokens.add(t);
    }

    /** GPT-2's reversible byte-to-character mapping (printable bytes map to themselves, others above U+0100). */
    static String[] byteChars() {
        String[] out = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return out;
    }

    private static final String CORPUS = ("the patient was seen in the clinic on monday and the results of the test "
            + "were sent to the doctor who asked for a second opinion from the hospital where the records are kept "
            + "the bank reviewed the account and the transfer was held until the customer confirmed the request "
            + "the court heard the case and the lawyer for the defence asked the judge to read the statement again "
            + "there is a model that runs on this machine and never sends the data to the cloud where it could leak "
            + "count to five one two three four five and then say hello to the team in the office today").repeat(3);
}
