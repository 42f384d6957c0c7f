package dev.bastion.inference;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE with byte fallback ({@code tokenizer.ggml.model = "llama"}: Llama 2, Mistral). Spaces become
 * U+2581, a space is put before each text run, and adjacent pieces merge by score until nothing merges; a
 * character left without a token is written as its UTF-8 bytes, {@code <0xNN>} each. Immutable and thread-safe.
 */
final class SentencePieceEncoder {

    /* How SentencePiece's BPE encodes (and llama.cpp's llm_tokenizer_spm with it): start from one symbol per code
     * point; every adjacent pair whose concatenation is a vocabulary piece is a candidate, scored by that piece's
     * score; repeatedly merge the best candidate (highest score, then leftmost), skipping candidates whose symbols
     * have changed since they were queued, and queue the new symbol's pairs with its neighbours. Merged symbols are
     * always pieces; single code points that are not pieces fall back to byte tokens, or to the unknown token when
     * the vocabulary has no byte tokens.
     *
     * Only normal and user-defined pieces take part: a control piece such as "<s>" can never come out of text. */

    static final char SPACE = '\u2581';

    private final Map<String, Integer> pieces;
    private final float[] scores;
    private final int[] byteTokens = new int[256];

    /**
     * @param pieces  text to id, of the normal and user-defined pieces only
     * @param scores  score of each id
     * @param allIds  text to id of every token, to find the byte tokens {@code <0xNN>}
     * @param unknown the unknown token, used when a byte has no token
     */
    SentencePieceEncoder(Map<String, Integer> pieces, float[] scores, Map<String, Integer> allIds, int unknown) {
        this.pieces = pieces;
        this.scores = scores;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = allIds.getOrDefault(String.format("<0x%02X>", b), unknown);
        }
    }

    private record Candidate(float score, int left, int right, int length) {
    }

    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparingInt(Candidate::left);

    /**
     * Appends the tokens of plain text {@code text} to {@code out}.
     *
     * @param spacePrefix whether to put a space before the text (SentencePiece's add_dummy_prefix)
     */
    void encode(String text, boolean spacePrefix, IntList out) {
        String s = ((spacePrefix ? " " : "") + text).replace(' ', SPACE);
        if (s.isEmpty()) {
            return;
        }
        int[] cps = s.codePoints().toArray();
        int n = cps.length;
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            start[i] = offset;
            length[i] = Character.charCount(cps[i]);
            offset += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        var queue = new PriorityQueue<Candidate>(BEST_FIRST);
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, s, start, length, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (length[c.left()] == 0 || length[c.right()] == 0
                    || length[c.left()] + length[c.right()] != c.length()) {
                continue;
            }
            length[c.left()] += length[c.right()];
            length[c.right()] = 0;
            next[c.left()] = next[c.right()];
            if (next[c.left()] >= 0) {
                prev[next[c.left()]] = c.left();
                offer(queue, s, start, length, c.left(), next[c.left()]);
            }
            if (prev[c.left()] >= 0) {
                offer(queue, s, start, length, prev[c.left()], c.left());
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String symbol = s.substring(start[i], start[i] + length[i]);
            Integer id = pieces.get(symbol);
            if (id != null) {
                out.add(id);
            } else {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                    out.add(byteTokens[b & 0xFF]);
                }
            }
        }
    }

    private void offer(PriorityQueue<Candidate> queue, String s, int[] start, int[] length, int left, int right) {
        int len = length[left] + length[right];
        Integer id = pieces.get(s.substring(start[left], start[left] + len));
        if (id != null) {
            queue.add(new Candidate(scores[id], left, right, len));
        }
    }
}
