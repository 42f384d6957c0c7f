package dev.bastion.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a GGUF file: its name, element type, shape and where its bytes are.
 *
 * <p>{@code shape} is in ggml order: {@code shape[0]} (ne0) is the length of a contiguous row, and the remaining
 * dimensions count rows, so a (n_vocab, dim) embedding matrix has shape {@code {dim, n_vocab}}. {@code offset} is
 * relative to the start of the file's tensor data section ({@link GgufFile#dataOffset()}).
 *
 * <p>The record checks itself: 1 to 4 dimensions, each at least 1; an element count without overflow; a row length
 * that is a whole number of the type's blocks; row length and row count that fit in an int; and a {@code byteSize}
 * equal to what the type and shape imply. It copies the shape in and out, so it is immutable and thread-safe.
 *
 * @param name the tensor's name, non-empty
 * @param type the element type (possibly one the engine cannot run: see {@link GgmlType#supported()})
 * @param shape the dimensions in ggml order
 * @param offset the first byte, relative to the tensor data section
 * @param byteSize the number of bytes
 */
public record GgufTensor(String name, GgmlType type, long[] shape, long offset, long byteSize) {
    /** Most dimensions a ggml tensor has. */
    public static final int MAX_DIMS = 4;

    /** Checks the tensor; see the class comment. */
    public GgufTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is empty");
        }
        shape = shape.clone();
        long elements = elements(name, shape);
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has rows of " + shape[0] + " elements, not a"
                    + " multiple of the " + type + " block size " + type.blockSize());
        }
        if (shape[0] > Integer.MAX_VALUE || elements / shape[0] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has " + shape[0] + " columns and "
                    + elements / shape[0] + " rows; both must fit in an int");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has negative offset " + offset);
        }
        long expected = type.byteSize(elements);
        if (byteSize != expected) {
            throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " of " + elements + " " + type + " elements"
                    + " takes " + expected + " bytes, not " + byteSize);
        }
    }

    /**
     * The number of elements of a shape, checking that it has 1 to 4 dimensions, each at least 1.
     *
     * @throws IllegalArgumentException naming {@code name} if the shape is invalid or its product overflows a long
     */
    static long elements(String name, long[] shape) {
        if (shape.length < 1 || shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has " + shape.length
                    + " dimensions, expected 1 to " + MAX_DIMS);
        }
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 1) {
                throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has dimension " + i + " of "
                        + shape[i] + ", expected at least 1");
            }
            try {
                n = Math.multiplyExact(n, shape[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor " + GgufCursor.quote(name) + " has shape " + Arrays.toString(shape)
                        + " whose element count overflows 64 bits", e);
            }
        }
        return n;
    }

    /** The shape, copied. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements (product of the shape). */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The number of rows: the product of {@code shape[1..]}, 1 for a vector. */
    public int rows() {
        return (int) (elements() / shape[0]);
    }

    /** The length of a row: {@code shape[0]}. */
    public int cols() {
        return (int) shape[0];
    }

    /** The dimension count. */
    public int dims() {
        return shape.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensor t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape)
                && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset, byteSize);
    }

    @Override
    public String toString() {
        return "GgufTensor[" + name + ", " + type + ", " + Arrays.toString(shape) + ", offset " + offset + ", "
                + byteSize + " bytes]";
    }
}
