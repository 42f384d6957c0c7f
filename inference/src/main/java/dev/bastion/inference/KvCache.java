package dev.bastion.inference;

/**
 * The keys and values of every position seen so far, per layer, for one sequence.
 *
 * <p>Sized once from the configured context; a prompt plus answer that would not fit is refused before it runs
 * ({@link ContextOverflowException}). Not thread-safe: one sequence at a time uses it.
 */
final class KvCache {
    final float[][] keys;   // (layers)(capacity, kv_dim)
    final float[][] values; // (layers)(capacity, kv_dim)
    private final int capacity;
    private int length;

    KvCache(ModelConfig c, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("context size must be positive, was " + capacity);
        }
        this.capacity = capacity;
        keys = new float[c.layers()][];
        values = new float[c.layers()][];
        long floats = (long) capacity * c.kvDim();
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a context of " + capacity + " tokens needs a key/value cache larger "
                    + "than one Java array per layer; lower the context size");
        }
        for (int l = 0; l < c.layers(); l++) {
            keys[l] = new float[(int) floats];
            values[l] = new float[(int) floats];
        }
    }

    int capacity() {
        return capacity;
    }

    /** Positions stored. */
    int length() {
        return length;
    }

    /** Forgets everything from position {@code newLength} on (keeps a shared prefix). */
    void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    void advance(int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("cache overflow: " + length + " + " + n + " > " + capacity);
        }
        length += n;
    }

    /** Bytes held. */
    long bytes() {
        long sum = 0;
        for (float[] k : keys) {
            sum += 4L * k.length;
        }
        return 2 * sum;
    }
}
