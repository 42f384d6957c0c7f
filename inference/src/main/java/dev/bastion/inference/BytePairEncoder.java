package dev.bastion.inference;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = "gpt2"}): text is split into words by a {@link PreTokenizer},
 * each word's UTF-8 bytes are written in the {@link ByteLevel} alphabet, and adjacent symbols are merged by merge
 * rank until no pair merges. Immutable and thread-safe.
 */
final class BytePairEncoder {

    /* Merge order: the pair with the lowest rank (earliest line of tokenizer.ggml.merges) merges first; among equal
     * ranks (the same pair at several places) the leftmost. This is the order of Hugging Face's BPE model and of
     * llama.cpp's llm_tokenizer_bpe_session. A heap entry is (rank << 32 | position); it is stale when the symbol at
     * that position was merged away or changed, which is detected by looking the pair up again.
     *
     * Llama 3's tokenizer.json sets "ignore_merges": a word that is itself a vocabulary entry becomes that token
     * without merging (llama.cpp does the same for "llama-bpe"). Qwen's does not. */

    private final PreTokenizer preTokenizer;
    private final Map<String, Integer> ids;
    private final MergeTable merges;
    private final boolean ignoreMerges;
    private final int[] byteToken = new int[256];

    BytePairEncoder(PreTokenizer preTokenizer, Map<String, Integer> ids, List<String> mergeList, boolean ignoreMerges) {
        this.preTokenizer = preTokenizer;
        this.ids = ids;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw new IllegalArgumentException("byte-level vocabulary lacks the token for byte 0x"
                        + Integer.toHexString(b) + " ('" + ByteLevel.charOf(b) + "'), so not every text is encodable");
            }
            byteToken[b] = id;
        }
        this.merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String merge = mergeList.get(rank);
            int space = merge.indexOf(' ', 1);
            Integer left = ids.get(merge.substring(0, space));
            Integer right = ids.get(merge.substring(space + 1));
            Integer merged = ids.get(merge.substring(0, space) + merge.substring(space + 1));
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] names a token that is not "
                        + "in tokenizer.ggml.tokens");
            }
            merges.put(left, right, rank, merged);
        }
    }

    /** Appends the tokens of plain text {@code text} (no special tokens are recognised) to {@code out}. */
    void encode(String text, IntList out) {
        int[] cps = text.codePoints().toArray();
        int[] start = {0};
        preTokenizer.split(cps, end -> {
            encodeWord(new String(cps, start[0], end - start[0]).getBytes(StandardCharsets.UTF_8), out);
            start[0] = end;
        });
    }

    private void encodeWord(byte[] utf8, IntList out) {
        int n = utf8.length;
        if (ignoreMerges || n == 1) {
            Integer whole = ids.get(ByteLevel.encode(utf8, 0, n));
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] symbol = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            symbol[i] = byteToken[utf8[i] & 0xFF];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        var queue = new PriorityQueue<Long>();
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, symbol, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long entry = queue.poll();
            int rank = (int) (entry >>> 32);
            int left = (int) entry;
            int right = symbol[left] < 0 ? -1 : next[left];
            if (right < 0) {
                continue;
            }
            long merge = merges.get(symbol[left], symbol[right]);
            if (merge < 0 || (int) (merge >>> 32) != rank) {
                continue;
            }
            symbol[left] = (int) merge;
            symbol[right] = -1;
            next[left] = next[right];
            if (next[left] >= 0) {
                prev[next[left]] = left;
                offer(queue, symbol, left, next[left]);
            }
            if (prev[left] >= 0) {
                offer(queue, symbol, prev[left], left);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(symbol[i]);
        }
    }

    private void offer(PriorityQueue<Long> queue, int[] symbol, int left, int right) {
        long merge = merges.get(symbol[left], symbol[right]);
        if (merge >= 0) {
            queue.add((merge & 0xFFFFFFFF00000000L) | left);
        }
    }
}
