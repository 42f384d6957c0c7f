package dev.bastion.guard.pii;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Weights per (feature hash, tag) in an open-addressing table: keys in a {@code long[]}, {@link NameModel#TAGS}
 * floats per slot. Training adds slots and keeps the running sums for averaging (Daumé's trick: the averaged
 * weight is w - u / c); a loaded table is only read. Not thread-safe while training.
 *
 * <p>A table read from a model file keeps its weights as they are stored, in half precision, instead of 15 floats,
 * and keeps each key and its weights together in one 64-byte block of {@code packed} (the key, then four longs of
 * four halves each, then padding): tagging spends its time in one random access per feature, and with key and
 * weights in the same cache line that access is one cache miss, not two (key array, then weight array). The
 * block is read as a whole line because a {@code long[]}'s elements start 16 bytes into the object and G1 puts
 * an array this large at the start of a region, so bytes 16 to 56 of each 64-byte line hold one slot. Widening
 * a half to a float is exact, and the additions run in the same order, so the scores are bit for bit those of
 * the float table.
 */
final class FeatureTable {
    private static final int T = NameModel.TAGS;
    /** Half-precision weights per slot in a read table: the tags, padded to 16 (32 bytes). */
    private static final int STRIDE = 16;
    /** Longs per slot in a read table: the key, four longs of four halves, three of padding (64 bytes). */
    private static final int BLOCK = 8;
    private long[] keys;
    private float[] w;
    private float[] u;
    private short[] half;
    /** A read table's slots, {@link #BLOCK} longs each (null while training and in tables built in memory). */
    private long[] packed;
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

    /** The block index of {@code key} in {@code packed}, or of the empty block where it would go. */
    private int packedSlot(long key) {
        int mask = packed.length / BLOCK - 1;
        int s = (int) (key ^ (key >>> 32)) & mask;
        long k;
        while ((k = packed[s * BLOCK]) != 0 && k != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /** Adds the half-precision weights of block {@code s} to {@code score}, tag by tag. */
    private void addBlock(int s, float[] score) {
        int base = s * BLOCK + 1;
        for (int tag = 0; tag < T; tag++) {
            score[tag] += Float.float16ToFloat((short) (packed[base + (tag >> 2)] >>> ((tag & 3) * 16)));
        }
    }

    void addTo(long key, float[] score) {
        if (key == 0) {
            key = 1;
        }
        if (packed != null) {
            int s = packedSlot(key);
            if (packed[s * BLOCK] != 0) {
                addBlock(s, score);
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
        if (packed != null) {
            for (int k = 0; k < keys.length; k++) {
                long key = keys[k] == 0 ? 1 : keys[k];
                int s = packedSlot(key);
                slots[k] = packed[s * BLOCK] == 0 ? -1 : s;
            }
            for (int s : slots) {
                if (s >= 0) {
                    addBlock(s, score);
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
        if (packed != null) {
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
        for (int s = 0; s < packed.length / BLOCK; s++) {
            long key = packed[s * BLOCK];
            if (key != 0) {
                int o = t.slot(key);
                t.keys[o] = key;
                t.size++;
                for (int tag = 0; tag < T; tag++) {
                    t.half[o * STRIDE + tag] = (short) (packed[s * BLOCK + 1 + (tag >> 2)] >>> ((tag & 3) * 16));
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
        int capacity = Integer.highestOneBit(Math.max(16, n * 2 - 1)) * 2; // as the constructor sizes keys
        t.packed = new long[capacity * BLOCK];
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            int s = t.packedSlot(key);
            t.packed[s * BLOCK] = key;
            t.size++;
            int nonZero = in.readUnsignedByte();
            for (int k = 0; k < nonZero; k++) {
                int tag = in.readUnsignedByte();
                if (tag >= T) {
                    throw new IOException("tag " + tag + " out of range at feature " + i);
                }
                int at = s * BLOCK + 1 + (tag >> 2);
                int shift = (tag & 3) * 16;
                t.packed[at] = t.packed[at] & ~(0xFFFFL << shift) | (in.readShort() & 0xFFFFL) << shift;
            }
        }
        return t;
    }
}
