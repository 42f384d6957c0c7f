package dev.bastion.guard.pii;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Weights per (feature hash, tag) in an open-addressing table: keys in a {@code long[]}, {@link NameModel#TAGS}
 * floats per slot. Training adds slots and keeps the running sums for averaging (Daumé's trick: the averaged
 * weight is w - u / c); a loaded table is only read. Not thread-safe while training.
 *
 * <p>A table read from a model file keeps its weights as they are stored, in half precision, and only those that
 * are not zero: tagging spends its time in one random access per feature (about 30 per scored token), and the
 * table's size decides how many of those accesses miss the caches and the TLB. Each slot of {@code small} is 16
 * bytes, the key and one long that holds up to {@link #INLINE} (tag, half) pairs; 81% of the shipped model's
 * 274,495 features have three non-zero tags or fewer. A feature with more keeps an index there (the long is
 * negative) to a 32-byte block of all its halves in {@code dense}. The shipped model takes 8 MB plus about 1.6 MB so,
 * where one 64-byte block per slot at a quarter's load took 64 MB (round twelve, docs/benchmarks.md). A 16-byte
 * slot never crosses a cache line, and a dense block starts on a 32-byte boundary ({@link #DENSE_BASE}).
 *
 * <p>Scores stay bit for bit those of the float table: widening a half is exact, the additions per tag run in
 * the same feature order, and a weight left out is a zero, and adding a zero to a sum that started at +0.0
 * changes nothing (such a sum is never -0.0, so even the sign of a zero sum is kept).
 */
final class FeatureTable {
    private static final int T = NameModel.TAGS;
    /** Half-precision weights per slot in a read table: the tags, padded to 16 (32 bytes). */
    private static final int STRIDE = 16;
    /** (tag, half) pairs held in a read table's slot; a feature with more non-zero tags goes to {@code dense}. */
    static final int INLINE = 3;
    /** Longs per dense block: four longs of four halves (32 bytes). */
    private static final int DENSE = 4;
    /**
     * Where the first dense block starts: a long[]'s elements start 16 bytes into the object and G1 puts an array
     * this large at the start of a region, so six longs in, the blocks start on 32-byte boundaries.
     */
    private static final int DENSE_BASE = 6;
    private long[] keys;
    private float[] w;
    private float[] u;
    private short[] half;
    /** A read table's slots, the key and the pairs or dense index (null while training and in tables built in memory). */
    private long[] small;
    /** A read table's features with more than {@link #INLINE} non-zero tags: {@link #DENSE} longs each. */
    private long[] dense;
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

    /** The slot of {@code key} in {@code small}, or of the empty slot where it would go. */
    private int smallSlot(long key) {
        int mask = small.length / 2 - 1;
        int s = (int) (key ^ (key >>> 32)) & mask;
        long k;
        while ((k = small[2 * s]) != 0 && k != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /**
     * Adds the weights of slot {@code s} to {@code score}, tag by tag: the inline pairs (bits 0-1 their count, then
     * 20 bits each: the tag in 4, the half in 16), or, when the slot's long is negative, dense block {@code (int) p}.
     */
    private void addSlot(int s, float[] score) {
        long p = small[2 * s + 1];
        if (p < 0) {
            int base = DENSE_BASE + (int) p * DENSE;
            for (int tag = 0; tag < T; tag++) {
                score[tag] += Float.float16ToFloat((short) (dense[base + (tag >> 2)] >>> ((tag & 3) * 16)));
            }
            return;
        }
        int n = (int) p & 3;
        for (int j = 0; j < n; j++) {
            long pair = p >>> (2 + 20 * j);
            score[(int) pair & 0xF] += Float.float16ToFloat((short) (pair >>> 4));
        }
    }

    void addTo(long key, float[] score) {
        if (key == 0) {
            key = 1;
        }
        if (small != null) {
            int s = smallSlot(key);
            if (small[2 * s] != 0) {
                addSlot(s, score);
            }
            return;
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
        if (small != null) {
            for (int k = 0; k < keys.length; k++) {
                long key = keys[k] == 0 ? 1 : keys[k];
                int s = smallSlot(key);
                slots[k] = small[2 * s] == 0 ? -1 : s;
            }
            for (int s : slots) {
                if (s >= 0) {
                    addSlot(s, score);
                }
            }
            return;
        }
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
        if (small != null) {
            unpack().write(out);
            return;
        }
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

    private float weight(int s, int tag) { // not for read tables: write() unpacks them first
        return half != null ? Float.float16ToFloat(half[s * STRIDE + tag]) : w[s * T + tag];
    }

    /** A read table in the key and half arrays that {@link #write} walks. */
    private FeatureTable unpack() {
        FeatureTable t = new FeatureTable(size, false);
        t.w = null;
        t.half = new short[t.keys.length * STRIDE];
        for (int s = 0; s < small.length / 2; s++) {
            long key = small[2 * s];
            if (key != 0) {
                int o = t.slot(key);
                t.keys[o] = key;
                t.size++;
                long p = small[2 * s + 1];
                if (p < 0) {
                    int base = DENSE_BASE + (int) p * DENSE;
                    for (int tag = 0; tag < T; tag++) {
                        t.half[o * STRIDE + tag] = (short) (dense[base + (tag >> 2)] >>> ((tag & 3) * 16));
                    }
                } else {
                    for (int j = 0; j < ((int) p & 3); j++) {
                        long pair = p >>> (2 + 20 * j);
                        t.half[o * STRIDE + ((int) pair & 0xF)] = (short) (pair >>> 4);
                    }
                }
            }
        }
        return t;
    }

    static FeatureTable read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 50_000_000) {
            throw new IOException("feature count " + n + " out of range");
        }
        FeatureTable t = new FeatureTable(16, false);
        t.w = null;
        t.keys = null;
        // slots: a power of two over 1.5 n, so the load stays between 1/3 and 2/3 and a probe always ends
        int capacity = Integer.highestOneBit(Math.max(16, n + n / 2)) * 2;
        t.small = new long[capacity * 2];
        long[] dense = new long[DENSE_BASE + DENSE * 1024];
        int denseCount = 0;
        short[] halves = new short[STRIDE];
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            int nonZero = in.readUnsignedByte();
            java.util.Arrays.fill(halves, (short) 0);
            for (int k = 0; k < nonZero; k++) {
                int tag = in.readUnsignedByte();
                if (tag >= T) {
                    throw new IOException("tag " + tag + " out of range at feature " + i);
                }
                halves[tag] = in.readShort(); // a tag listed twice keeps its last weight, as the arrays did
            }
            int s = t.smallSlot(key);
            if (t.small[2 * s] == 0) {
                t.size++;
            }
            t.small[2 * s] = key;
            int used = 0;
            for (int tag = 0; tag < T; tag++) {
                used += halves[tag] != 0 ? 1 : 0;
            }
            if (used <= INLINE) {
                long p = used;
                int j = 0;
                for (int tag = 0; tag < T; tag++) {
                    if (halves[tag] != 0) {
                        p |= ((halves[tag] & 0xFFFFL) << 4 | tag) << (2 + 20 * j++);
                    }
                }
                t.small[2 * s + 1] = p;
            } else {
                if (DENSE_BASE + DENSE * (denseCount + 1) > dense.length) {
                    dense = java.util.Arrays.copyOf(dense, DENSE_BASE + DENSE * (denseCount * 2 + 1));
                }
                int base = DENSE_BASE + DENSE * denseCount;
                for (int tag = 0; tag < T; tag++) {
                    dense[base + (tag >> 2)] |= (halves[tag] & 0xFFFFL) << ((tag & 3) * 16);
                }
                t.small[2 * s + 1] = ~0L << 32 | denseCount; // negative: an index into dense
                denseCount++;
            }
        }
        t.dense = java.util.Arrays.copyOf(dense, DENSE_BASE + DENSE * denseCount);
        return t;
    }
}
