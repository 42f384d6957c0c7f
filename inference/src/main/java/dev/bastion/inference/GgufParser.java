package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * Parses the header of a GGUF v2 or v3 file (ggml's docs/gguf.md) held in a memory segment, checking everything a
 * later reader relies on; see {@link GgufMetadataReader} and {@link GgufTensorReader} for the checks.
 *
 * <p>Layout: magic "GGUF", u32 version, u64 tensor count, u64 key/value count, the key/value pairs, the tensor
 * infos, padding to {@code general.alignment} (default 32), then the tensor data section.
 */
final class GgufParser {
    /*
     * Why these checks (facts from ggml's docs/gguf.md and the validation in ggml's gguf.cpp):
     * - Counts and lengths are u64 in v2 and v3 (v1 had u32 counts); every one is checked against the bytes left
     *   before anything is allocated, using the fewest bytes an item can occupy (MIN_KV_BYTES, MIN_TENSOR_BYTES,
     *   GgufValueType.minBytes), so a count of 2^60 fails in constant time and memory.
     * - Tensor infos: at most GGML_MAX_DIMS = 4 dimensions; the name "at most 64 bytes"; the row length ne0 a
     *   multiple of the type's block size, since ggml stores a row as whole blocks; the element count and the
     *   byte size computed with overflow checks (the C parsers' heap overflows came from unchecked size
     *   arithmetic on string lengths, array sizes and element counts).
     * - general.alignment is a u32 power of two, 32 if absent; the data section starts at the first aligned
     *   offset after the tensor infos, and every tensor offset is relative to it and aligned.
     * - gguf.cpp requires tensors to be contiguous in info order; we require only that they be aligned, inside
     *   the file and disjoint, which is what memory safety needs, so files written in another order still load.
     */
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** The fewest bytes one key/value pair takes: key length, a 1-byte key, value type, a 1-byte value. */
    private static final int MIN_KV_BYTES = 8 + 1 + 4 + 1;
    /** The fewest bytes one tensor info takes: name length, a 1-byte name, n_dims, one dimension, type, offset. */
    private static final int MIN_TENSOR_BYTES = 8 + 1 + 4 + 8 + 4 + 8;

    /** Most tensors in one file (the largest released models have a few thousand). */
    static final int MAX_TENSORS = 1 << 18;
    /** Most metadata keys in one file (real models have under a hundred). */
    static final int MAX_KEYS = 1 << 16;

    /** A parsed header: everything but the tensor bytes. */
    record Layout(int version, GgufMetadata metadata, List<GgufTensor> tensors, long dataOffset, int alignment) {
        Layout {
            tensors = List.copyOf(tensors);
        }
    }

    private GgufParser() {
    }

    /** Parses {@code file}, the whole content of a GGUF file. */
    static Layout parse(MemorySegment file) throws GgufFormatException {
        GgufCursor in = new GgufCursor(file);
        long magic = in.u32("magic");
        if (magic != Integer.toUnsignedLong(MAGIC)) {
            throw new GgufFormatException("not a GGUF file: magic at offset 0 is 0x"
                    + String.format("%08x", Integer.reverseBytes((int) magic)) + ", expected 0x47475546 (\"GGUF\")");
        }
        long version = in.u32("version");
        if (version != 2 && version != 3) {
            String hint = version == 1 ? " (version 1 files predate 64-bit counts; convert the model again)"
                    : Integer.reverseBytes((int) version) == 3 || Integer.reverseBytes((int) version) == 2
                            ? " (a big-endian file? only little-endian files are supported)" : "";
            throw new GgufFormatException("GGUF version " + version + " at offset 4 is not supported, expected 2 or 3"
                    + hint);
        }
        int tensorCount = in.count("tensor count", MIN_TENSOR_BYTES);
        int kvCount = in.count("metadata key/value count", MIN_KV_BYTES);
        if (tensorCount > MAX_TENSORS) {
            throw new GgufFormatException("tensor count at offset 8 is " + tensorCount + ", more than the "
                    + MAX_TENSORS + " supported");
        }
        if (kvCount > MAX_KEYS) {
            throw new GgufFormatException("metadata key/value count at offset 16 is " + kvCount + ", more than the "
                    + MAX_KEYS + " supported");
        }
        if ((long) tensorCount * MIN_TENSOR_BYTES + (long) kvCount * MIN_KV_BYTES > in.remaining()) {
            throw new GgufFormatException(tensorCount + " tensors and " + kvCount + " metadata entries cannot fit"
                    + " in the " + in.remaining() + " bytes after the header at offset 8");
        }
        GgufMetadata metadata = new GgufMetadataReader(in).read(kvCount);
        int alignment = alignment(metadata);
        List<GgufTensor> tensors = new GgufTensorReader(in).read(tensorCount);
        long dataOffset = in.alignedPosition(alignment);
        long dataSize = Math.max(0, file.byteSize() - dataOffset);
        if (!tensors.isEmpty() && dataOffset > file.byteSize()) {
            throw new GgufFormatException("tensor data section starts at offset " + dataOffset
                    + " (after the tensor infos, aligned to " + alignment + "), past the end of the " + file.byteSize()
                    + "-byte file");
        }
        GgufTensorReader.checkLayout(tensors, alignment, dataOffset, dataSize);
        return new Layout((int) version, metadata, tensors, dataOffset, alignment);
    }

    private static int alignment(GgufMetadata metadata) throws GgufFormatException {
        Optional<Long> value;
        try {
            value = metadata.integer(ALIGNMENT_KEY);
        } catch (GgufFormatException e) {
            throw new GgufFormatException(e.getMessage() + " (gguf.md: a u32 power of two)");
        }
        if (value.isEmpty()) {
            return DEFAULT_ALIGNMENT;
        }
        long a = value.get();
        if (a < 1 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw new GgufFormatException("metadata key '" + ALIGNMENT_KEY + "' is " + a
                    + ", expected a power of two from 1 to 2^30");
        }
        return (int) a;
    }
}
