package dev.bastion.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
            String name = in.string("name of tensor #" + i, MAX_NAME_BYTES);
            String where = "tensor #" + i + " " + GgufCursor.quote(name);
            if (name.isEmpty()) {
                throw new GgufFormatException("name of tensor #" + i + " at offset " + at + " is empty");
            }
            if (!names.add(name)) {
                throw new GgufFormatException(where + " at offset " + at + " has the name of an earlier tensor");
            }
            tensors.add(tensor(name, where));
        }
        return tensors;
    }

    private GgufTensor tensor(String name, String where) throws GgufFormatException {
        long at = in.position();
        long dims = in.u32(where + ": dimension count");
        if (dims < 1 || dims > GgufTensor.MAX_DIMS) {
            throw new GgufFormatException(where + " at offset " + at + " has " + dims + " dimensions, expected 1 to "
                    + GgufTensor.MAX_DIMS);
        }
        long[] shape = new long[(int) dims];
        for (int d = 0; d < dims; d++) {
            at = in.position();
            shape[d] = in.u64(where + ": dimension " + d);
            if (shape[d] < 1) {
                throw new GgufFormatException(where + " at offset " + at + " has dimension " + d + " of "
                        + Long.toUnsignedString(shape[d]) + ", expected 1 to " + Long.MAX_VALUE);
            }
        }
        long elements;
        try {
            elements = GgufTensor.elements(name, shape);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(where + " has shape " + Arrays.toString(shape)
                    + ": its element count overflows 64 bits");
        }
        long typeAt = in.position();
        long id = in.u32(where + ": type");
        GgmlType type = GgmlType.fromId((int) Math.min(id, Integer.MAX_VALUE)).orElseThrow(() ->
                new GgufFormatException(where + " at offset " + typeAt + " has type id " + id + ", not a ggml type"));
        if (shape[0] % type.blockSize() != 0) {
            throw new GgufFormatException(where + " has rows of " + shape[0] + " " + type + " elements, not a"
                    + " multiple of the block size " + type.blockSize());
        }
        if (shape[0] > Integer.MAX_VALUE || elements / shape[0] > Integer.MAX_VALUE) {
            throw new GgufFormatException(where + " has shape " + Arrays.toString(shape)
                    + ": its row length and row count must each fit in an int");
        }
        long byteSize;
        try {
            byteSize = type.byteSize(elements);
        } catch (ArithmeticException e) {
            throw new GgufFormatException(where + " of " + elements + " " + type + " elements overflows 64 bits");
        }
        long offsetAt = in.position();
        long offset = in.u64(where + ": offset");
        if (offset < 0) {
            throw new GgufFormatException(where + " at offset " + offsetAt + " has data offset "
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
            String where = "tensor " + GgufCursor.quote(t.name());
            if (t.offset() % alignment != 0) {
                throw new GgufFormatException(where + " has data offset " + t.offset()
                        + ", not a multiple of the alignment " + alignment);
            }
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw new GgufFormatException(where + " occupies bytes " + t.offset() + " to "
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
