package dev.bastion.guard.pii;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Weights per (feature hash, tag) in an open-addressing table: keys in a {@code long[]}, {@link NameModel#TAGS}
 * floats per slot. Training adds slots and keeps the running sums for averaging (Daumé's trick: the averaged
 * weight is w - u / c); a loaded table is only read. Not thread-safe while training.
 *
 * <p>A table read from a model file keeps its weights as they are stored, in half precision, {@link #STRIDE} per
 * slot ({@code half}), instead of 15 floats: half the memory, so more of the table stays in cache during tagging,
 * which is where the name model spends its time (one random access per feature). Widening a half to a float is
 * exact, so the scores are bit for bit those of the float table it replaces.
 */
final class FeatureTable {
    private static final int T = NameModel.TAGS;
    /** Half-precision weights per slot in a read table: the tags, padded to 16 (32 bytes). */
    private static final int STRIDE = 16;
    private long[] keys;
    private float[] w;
    private float[] u;
    private short[] half;
    private int size;

    FeatureTable(int capacity, boolean training) {
        int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) * 2;
        keys = new long[cap];
        w = new float[cap * T];
        u = training ? new float[cap * T] : null;
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int s = (int) (key ^ (key >>> 32)) & mask;
        while (keys[s] != 0 && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    void addTo(long key, float[] score) {
        if (key == 0) {
            key = 1;
        }
        int s = slot(key);
        if (keys[s] == 0) {
            return;
        }
        if (half != null) {
            int base = s * STRIDE;
            for (int tag = 0; tag < T; tag++) {
                score[tag] += Float.float16ToFloat(half[base + tag]);
            }
            return;
        }
        int base = s * T;
        for (int tag = 0; tag < T; tag++) {
            score[tag] += w[base + tag];
        }
    }

    /**
     * As {@link #addTo} for every key of {@code keys} in order, the same float additions in the same order. The
     * slots are found first, all of them, so the processor can wait for their cache misses at once rather than one
     * after another.
     */
    void addAll(long[] keys, int[] slots, float[] score) {
        for (int k = 0; k < keys.length; k++) {
            long key = keys[k] == 0 ? 1 : keys[k];
            int s = slot(key);
            slots[k] = this.keys[s] == 0 ? -1 : s;
        }
        for (int s : slots) {
            if (s < 0) {
                continue;
            }
            if (half != null) {
                int base = s * STRIDE;
                for (int tag = 0; tag < T; tag++) {
                    score[tag] += Float.float16ToFloat(half[base + tag]);
                }
            } else {
                int base = s * T;
                for (int tag = 0; tag < T; tag++) {
                    score[tag] += w[base + tag];
                }
            }
        }
    }

    /** Training: w[key, tag] += delta at time {@code c}. */
    void update(long key, int tag, float delta, long c) {
        if (key == 0) {
            key = 1;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int s = slot(key);
        if (keys[s] == 0) {
            keys[s] = key;
            size++;
        }
        w[s * T + tag] += delta;
        u[s * T + tag] += c * delta;
    }

    /** Replaces the weights by their averages over {@code c} steps and drops those below {@code prune}. */
    FeatureTable averaged(long c, float prune) {
        FeatureTable out = new FeatureTable(size, false);
        for (int s = 0; s < keys.length; s++) {
            if (keys[s] == 0) {
                continue;
            }
            int o = -1;
            for (int tag = 0; tag < T; tag++) {
                float a = w[s * T + tag] - u[s * T + tag] / c;
                if (Math.abs(a) >= prune) {
                    if (o < 0) {
                        o = out.slot(keys[s]);
                        out.keys[o] = keys[s];
                        out.size++;
                    }
                    out.w[o * T + tag] = a;
                }
            }
        }
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        float[] oldW = w;
        float[] oldU = u;
        keys = new long[oldKeys.length * 2];
        w = new float[keys.length * T];
        u = oldU == null ? null : new float[keys.length * T];
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldKeys[s] != 0) {
                int n = slot(oldKeys[s]);
                keys[n] = oldKeys[s];
                System.arraycopy(oldW, s * T, w, n * T, T);
                if (u != null) {
                    System.arraycopy(oldU, s * T, u, n * T, T);
                }
            }
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(size);
        for (int s = 0; s < keys.length; s++) {
            if (keys[s] == 0) {
                continue;
            }
            out.writeLong(keys[s]);
            int nonZero = 0;
            for (int tag = 0; tag < T; tag++) {
                nonZero += weight(s, tag) != 0 ? 1 : 0;
            }
            out.writeByte(nonZero);
            for (int tag = 0; tag < T; tag++) {
                if (weight(s, tag) != 0) {
                    out.writeByte(tag);
                    out.writeShort(Float.floatToFloat16(weight(s, tag))); // half precision: half the size
                }
            }
        }
    }

    private float weight(int s, int tag) {
        return half != null ? Float.float16ToFloat(half[s * STRIDE + tag]) : w[s * T + tag];
    }

    static FeatureTable read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 50_000_000) {
            throw new IOException("feature count " + n + " out of range");
        }
        FeatureTable t = new FeatureTable(n, false);
        t.w = null;
        t.half = new short[t.keys.length * STRIDE];
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            int s = t.slot(key);
            t.keys[s] = key;
            t.size++;
            int nonZero = in.readUnsignedByte();
            for (int k = 0; k < nonZero; k++) {
                int tag = in.readUnsignedByte();
                if (tag >= T) {
                    throw new IOException("tag " + tag + " out of range at feature " + i);
                }
                t.half[s * STRIDE + tag] = in.readShort();
            }
        }
        return t;
    }
}
