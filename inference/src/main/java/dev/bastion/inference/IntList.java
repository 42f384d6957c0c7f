package dev.bastion.inference;

import java.util.Arrays;

/** A growable list of ints, for collecting token ids without boxing. Not thread-safe; used within one call. */
final class IntList {

    private int[] values = new int[16];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return values[index];
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
