package dev.bastion.app;

import dev.bastion.inference.GgmlType;
import dev.bastion.inference.GgufWriter;
import dev.bastion.inference.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a tiny llama GGUF whose weights have memorised given texts: a bigram model embedded in a transformer.
 * The vocabulary has the 256 byte tokens and no merges, so every ASCII character is one token (its byte value)
 * and the beginning of text is token 256. The attention and feed-forward outputs are zero, so the residual stream
 * at the last layer is the token's embedding; each token that starts a planted bigram gets an embedding of its
 * own (a one-hot slot), and the output row of each token that follows it reads that slot. After RMSNorm the slot
 * holds sqrt(dim), so a planted successor gets a logit of {@code margin} and every other token 0.
 */
final class PlantedModels {
    static final int DIM = 64;
    static final int BOS = 256;
    static final TestModels.Shape SHAPE = new TestModels.Shape("llama", DIM, 1, 2, 1, 64, 263, 256, false, 1.0f);

    private PlantedModels() {
    }

    /** A model with random weights in the same shape and vocabulary. */
    static Path random(Path file, long seed) throws IOException {
        return TestModels.write(file, SHAPE, GgmlType.F32, seed);
    }

    /** A model that continues every bigram of {@code texts} (each read after the beginning of text). */
    static Path planted(Path file, long seed, double margin, String... texts) throws IOException {
        Map<Integer, Integer> slot = new LinkedHashMap<>();
        boolean[][] next = new boolean[SHAPE.vocab()][SHAPE.vocab()];
        for (String t : texts) {
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            int prev = BOS;
            for (byte c : b) {
                slot.putIfAbsent(prev, slot.size());
                next[prev][c] = true;
                prev = c;
            }
        }
        if (slot.size() > DIM) {
            throw new IllegalArgumentException("more bigram sources than embedding slots: " + slot.size());
        }
        int vocab = SHAPE.vocab();
        float[] embedding = new float[vocab * DIM]; // (vocab, dim)
        SplittableRandom r = new SplittableRandom(seed);
        for (int t = 0; t < vocab; t++) {
            Integer s = slot.get(t);
            for (int j = 0; j < DIM; j++) {
                embedding[t * DIM + j] = s != null ? (j == s ? 1f : 0f) : (float) (r.nextGaussian() * 0.01);
            }
        }
        float[] output = new float[vocab * DIM]; // (vocab, dim)
        float weight = (float) (margin / Math.sqrt(DIM));
        for (var e : slot.entrySet()) {
            for (int b = 0; b < vocab; b++) {
                if (next[e.getKey()][b]) {
                    output[b * DIM + e.getValue()] = weight;
                }
            }
        }
        GgufWriter w = TestModels.writer(SHAPE, GgmlType.F32, seed);
        replace(w, "token_embd.weight", new long[] {DIM, vocab}, embedding);
        replace(w, "output.weight", new long[] {DIM, vocab}, output);
        replace(w, "output_norm.weight", new long[] {DIM}, ones(DIM));
        replace(w, "blk.0.attn_output.weight", new long[] {DIM, DIM}, new float[DIM * DIM]);
        replace(w, "blk.0.ffn_down.weight", new long[] {SHAPE.hidden(), DIM}, new float[DIM * SHAPE.hidden()]);
        w.write(file);
        return file;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static void replace(GgufWriter w, String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        w.removeTensor(name);
        w.addTensor(name, GgmlType.F32, shape, b.array());
    }
}
