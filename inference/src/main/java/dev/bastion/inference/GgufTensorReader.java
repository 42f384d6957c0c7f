package dev.bastion.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Reads the tensor infos of a GGUF header and checks where their bytes lie.
 *
 * <p>Per tensor: a unique non-empty name of at most {@link #MAX_NAME_BYTES} bytes, 1 to 4 dimensions each at least 1
 * with an element count that does not overflow, a known ggml type id, a row length that is a whole number of the
 * type's blocks. Then, once the data section's start is known: every offset is a multiple of the alignment, every
 * tensor ends inside the file, and no two tensors overlap.
 */
final class GgufTensorReader {
    /** Longest tensor name (gguf.md: "at most 64 bytes"). */
    static final int MAX_NAME_BYTES = 64;

    /** Labels for reads whose bytes were checked beforehand, so they cannot fail and need no message. */
    private static final String FIELD = "tensor info field";
    private static final IntFunction<String> TENSOR_NAME = i -> "name of tensor #" + i;

    private final GgufCursor in;

    GgufTensorReader(GgufCursor in) {
        this.in = in;
    }

    /** Reads {@code count} tensor infos at the cursor, in file order. */
    List<GgufTensor> read(int count) throws GgufFormatException {
        List<GgufTensor> tensors = new ArrayList<>(count);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            long at = in.position();
            String name = in.string(TENSOR_NAME, i, MAX_NAME_BYTES);
            if (name.isEmpty()) {
                throw new GgufFormatException("name of tensor #" + i + " at offset " + at + " is empty");
            }
            if (!names.add(name)) {
                throw new GgufFormatException(where(i, name) + " at offset " + at
                        + " has the name of an earlier tensor");
            }
            tensors.add(tensor(i, name));
        }
        return tensors;
    }

    /** How messages name tensor {@code i}; built only when there is something to report. */
    private static String where(int i, String name) {
        return "tensor #" + i + " " + GgufCursor.quote(name);
    }

    private GgufTensor tensor(int i, String name) throws GgufFormatException {
        long at = in.position();
        if (in.remaining() < 4) {
            in.need(4, where(i, name) + ": dimension count");
        }
        long dims = in.u32(FIELD);
        if (dims < 1 || dims > GgufTensor.MAX_DIMS) {
            throw new GgufFormatException(where(i, name) + " at offset " + at + " has " + dims
                    + " dimensions, expected 1 to " + GgufTensor.MAX_DIMS);
        }
        if (in.remaining() < 8 * dims + 4 + 8) {
            in.need(8 * dims + 4 + 8, where(i, name) + ": " + dims + " dimensions, type and offset");
        }
        long[] shape = new long[(int) dims];
        for (int d = 0; d < dims; d++) {
            at = in.position();
            shape[d] = in.u64(FIELD);
            if (shape[d] < 1) {
                throw new GgufFormatException(where(i, name) + " at offset " + at + " has dimension " + d + " of "
                        + Long.toUnsignedString(shape[d]) + ", expected 1 to " + Long.MAX_VALUE);
            }
        }
        long elements;
        try {
            elements = GgufTensor.elements(name, shape);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(where(i, name) + " has shape " + Arrays.toString(shape)
                    + ": its element count overflows 64 bits");
        }
        long typeAt = in.position();
        long id = in.u32(FIELD);
        GgmlType type = GgmlType.fromId((int) Math.min(id, Integer.MAX_VALUE)).orElseThrow(() ->
                new GgufFormatException(where(i, name) + " at offset " + typeAt + " has type id " + id
                        + ", not a ggml type"));
        if (shape[0] % type.blockSize() != 0) {
            throw new GgufFormatException(where(i, name) + " has rows of " + shape[0] + " " + type
                    + " elements, not a multiple of the block size " + type.blockSize());
        }
        if (shape[0] > Integer.MAX_VALUE || elements / shape[0] > Integer.MAX_VALUE) {
            throw new GgufFormatException(where(i, name) + " has shape " + Arrays.toString(shape)
                    + ": its row length and row count must each fit in an int");
        }
        long byteSize;
        try {
            byteSize = type.byteSize(elements);
        } catch (ArithmeticException e) {
            throw new GgufFormatException(where(i, name) + " of " + elements + " " + type
                    + " elements overflows 64 bits");
        }
        long offsetAt = in.position();
        long offset = in.u64(FIELD);
        if (offset < 0) {
            throw new GgufFormatException(where(i, name) + " at offset " + offsetAt + " has data offset "
                    + Long.toUnsignedString(offset) + ", past any file");
        }
        return new GgufTensor(name, type, shape, offset, byteSize);
    }

    /**
     * Checks that every tensor is aligned, inside the {@code dataSize} bytes of the data section, and apart from
     * the others.
     */
    static void checkLayout(List<GgufTensor> tensors, int alignment, long dataOffset, long dataSize)
            throws GgufFormatException {
        for (GgufTensor t : tensors) {
            if (t.offset() % alignment != 0) {
                throw new GgufFormatException("tensor " + GgufCursor.quote(t.name()) + " has data offset " + t.offset()
                        + ", not a multiple of the alignment " + alignment);
            }
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw new GgufFormatException("tensor " + GgufCursor.quote(t.name()) + " occupies bytes " + t.offset() + " to "
                        + endText(t) + " of the data section, which has only " + dataSize
                        + " bytes (from file offset " + dataOffset + "): truncated file?");
            }
        }
        List<GgufTensor> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensor::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensor a = byOffset.get(i - 1);
            GgufTensor b = byOffset.get(i);
            if (a.offset() + a.byteSize() > b.offset()) {
                throw new GgufFormatException("tensor " + GgufCursor.quote(b.name()) + " at data offset " + b.offset()
                        + " overlaps tensor " + GgufCursor.quote(a.name()) + " (bytes " + a.offset() + " to "
                        + endText(a) + ")");
            }
        }
    }

    private static String endText(GgufTensor t) {
        long end = t.offset() + t.byteSize();
        return end < 0 ? Long.toUnsignedString(end) : Long.toString(end);
    }
}
