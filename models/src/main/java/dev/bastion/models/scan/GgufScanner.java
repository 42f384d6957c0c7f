package dev.bastion.models.scan;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Structural check of a GGUF file (v2 and v3; ggml's gguf.md): header, every metadata key and value with bounded
 * lengths and nesting, every tensor's name, shape, type and offset, the alignment, and each tensor's bytes against
 * the data section, with no overlaps. Keeps the metadata a bill of materials needs. Never reads the weights.
 */
final class GgufScanner {
    /** ggml type id: {elements per block, bytes per block}. */
    private static final Map<Integer, long[]> TYPES = Map.ofEntries(
            Map.entry(0, new long[] {1, 4}), Map.entry(1, new long[] {1, 2}), Map.entry(2, new long[] {32, 18}),
            Map.entry(3, new long[] {32, 20}), Map.entry(6, new long[] {32, 22}), Map.entry(7, new long[] {32, 24}),
            Map.entry(8, new long[] {32, 34}), Map.entry(9, new long[] {32, 36}), Map.entry(10, new long[] {256, 84}),
            Map.entry(11, new long[] {256, 110}), Map.entry(12, new long[] {256, 144}),
            Map.entry(13, new long[] {256, 176}), Map.entry(14, new long[] {256, 210}),
            Map.entry(15, new long[] {256, 292}), Map.entry(16, new long[] {256, 66}),
            Map.entry(17, new long[] {256, 74}), Map.entry(18, new long[] {256, 98}),
            Map.entry(19, new long[] {256, 50}), Map.entry(20, new long[] {32, 18}),
            Map.entry(21, new long[] {256, 110}), Map.entry(22, new long[] {256, 82}),
            Map.entry(23, new long[] {256, 136}), Map.entry(24, new long[] {1, 1}), Map.entry(25, new long[] {1, 2}),
            Map.entry(26, new long[] {1, 4}), Map.entry(27, new long[] {1, 8}), Map.entry(28, new long[] {1, 8}),
            Map.entry(29, new long[] {256, 56}), Map.entry(30, new long[] {1, 2}), Map.entry(34, new long[] {256, 54}),
            Map.entry(35, new long[] {256, 66}));
    static final Map<Integer, String> TYPE_NAMES = Map.ofEntries(Map.entry(0, "F32"), Map.entry(1, "F16"),
            Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"), Map.entry(6, "Q5_0"), Map.entry(7, "Q5_1"),
            Map.entry(8, "Q8_0"), Map.entry(9, "Q8_1"), Map.entry(10, "Q2_K"), Map.entry(11, "Q3_K"),
            Map.entry(12, "Q4_K"), Map.entry(13, "Q5_K"), Map.entry(14, "Q6_K"), Map.entry(15, "Q8_K"),
            Map.entry(30, "BF16"));
    private static final long MAX_KEY = 65_535;
    private static final long MAX_STRING = 64L << 20;
    private static final long MAX_COUNT = 100_000_000L;

    /** Value type ids of gguf.md, for the summaries of arrays. */
    private static final String[] VALUE_TYPES = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string",
        "array", "u64", "i64", "f64"};
    private static final int MAX_TEMPLATE = 256 << 10;

    private GgufScanner() {
    }

    static GgufInfo scan(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            BoundedReader in = new BoundedReader(ch);
            int magic = in.u32("magic");
            if (magic != 0x46554747) {
                throw new FormatException("not a GGUF file (magic)");
            }
            int version = in.u32("version");
            if (version != 2 && version != 3) {
                throw new FormatException("unsupported GGUF version " + Integer.toUnsignedString(version)
                        + " (2 and 3 are supported)");
            }
            long tensorCount = in.u64("tensor count");
            long kvCount = in.u64("metadata count");
            // every tensor info takes at least 8+1+4+8+4+8 bytes, every key/value at least 8+1+4+1
            if (tensorCount < 0 || tensorCount > in.remaining() / 33) {
                throw new FormatException("tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in the file");
            }
            if (kvCount < 0 || kvCount > in.remaining() / 14) {
                throw new FormatException("metadata count " + Long.toUnsignedString(kvCount) + " cannot fit in the file");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            Set<String> keys = new HashSet<>();
            long alignment = 32;
            String chatTemplate = "";
            for (long i = 0; i < kvCount; i++) {
                String key = string(in, MAX_KEY, "metadata key " + i);
                if (!keys.add(key)) {
                    throw new FormatException("metadata key '" + printable(key) + "' appears twice");
                }
                int type = in.u32("type of '" + printable(key) + "'");
                Object value = value(in, type, key, 0);
                if (key.equals("tokenizer.chat_template") && value instanceof String t && t.length() <= MAX_TEMPLATE) {
                    chatTemplate = t;
                }
                if (!(value instanceof String t) || t.length() <= 512) {
                    metadata.put(key, value.toString()); // long strings are left out; arrays arrive summarised
                }
                if (key.equals("general.alignment")) {
                    if (!(value instanceof Long a) || a <= 0 || Long.bitCount(a) != 1 || a > 1 << 20) {
                        throw new FormatException("general.alignment must be a power of two up to 1 MiB");
                    }
                    alignment = (Long) value;
                }
            }
            List<long[]> extents = new ArrayList<>();
            Set<String> names = new HashSet<>();
            long parameters = 0;
            Map<String, Long> types = new TreeMap<>();
            for (long t = 0; t < tensorCount; t++) {
                String name = string(in, 64, "tensor name " + t);
                if (!names.add(name)) {
                    throw new FormatException("tensor '" + printable(name) + "' appears twice");
                }
                int dims = in.u32("dimensions of '" + printable(name) + "'");
                if (dims < 1 || dims > 4) {
                    throw new FormatException("tensor '" + printable(name) + "' has " + dims + " dimensions (1 to 4)");
                }
                long elements = 1;
                long first = 0;
                for (int d = 0; d < dims; d++) {
                    long n = in.u64("shape of '" + printable(name) + "'");
                    if (n <= 0 || n > 1L << 40) {
                        throw new FormatException("tensor '" + printable(name) + "' has dimension "
                                + Long.toUnsignedString(n));
                    }
                    if (d == 0) {
                        first = n;
                    }
                    elements = Math.multiplyHigh(elements, n) != 0 ? -1 : elements * n;
                    if (elements < 0 || elements > 1L << 46) {
                        throw new FormatException("tensor '" + printable(name) + "' has too many elements");
                    }
                }
                int type = in.u32("type of '" + printable(name) + "'");
                long[] block = TYPES.get(type);
                if (block == null) {
                    throw new FormatException("tensor '" + printable(name) + "' has unknown type " + type);
                }
                if (first % block[0] != 0) {
                    throw new FormatException("tensor '" + printable(name) + "': row of " + first
                            + " elements is not a whole number of " + block[0] + "-element blocks");
                }
                long offset = in.u64("offset of '" + printable(name) + "'");
                if (offset < 0 || offset % alignment != 0) {
                    throw new FormatException("tensor '" + printable(name) + "' offset "
                            + Long.toUnsignedString(offset) + " is not aligned to " + alignment);
                }
                long bytes = elements / block[0] * block[1];
                extents.add(new long[] {offset, bytes, t});
                parameters += elements;
                types.merge(TYPE_NAMES.getOrDefault(type, "type" + type), 1L, Long::sum);
            }
            long dataStart = (in.position() + alignment - 1) / alignment * alignment;
            long dataSize = in.size() - dataStart;
            if (dataSize < 0) {
                throw new FormatException("the file ends before its tensor data starts");
            }
            extents.sort((a, b) -> Long.compare(a[0], b[0]));
            long end = 0;
            for (long[] e : extents) {
                if (e[0] < end) {
                    throw new FormatException("tensor data overlaps at offset " + e[0]);
                }
                if (e[0] > dataSize || e[1] > dataSize - e[0]) {
                    throw new FormatException("tensor data at offset " + e[0] + " (" + e[1]
                            + " bytes) runs past the end of the file");
                }
                end = e[0] + e[1];
            }
            return new GgufInfo(version, metadata, tensorCount, parameters, types, chatTemplate);
        }
    }

    private static String string(BoundedReader in, long max, String what) throws IOException {
        long n = in.u64(what + " length");
        if (n < 0 || n > max) {
            throw new FormatException(what + " is " + Long.toUnsignedString(n) + " bytes long (limit " + max + ")");
        }
        return in.utf8(n, what);
    }

    /**
     * Reads one value: a Long, Double or String for scalars and strings, and for an array a summary such as
     * {@code array[151936] of string} (its elements are read, checked and dropped).
     */
    private static Object value(BoundedReader in, int type, String key, int depth) throws IOException {
        String what = "value of '" + printable(key) + "'";
        return switch (type) {
            case 0, 1, 7 -> (long) in.read(1, what).get();
            case 2, 3 -> (long) in.read(2, what).getShort();
            case 4 -> Integer.toUnsignedLong(in.u32(what));
            case 5 -> (long) in.u32(what);
            case 6 -> (double) in.read(4, what).getFloat();
            case 10, 11 -> in.u64(what);
            case 12 -> in.read(8, what).getDouble();
            case 8 -> string(in, MAX_STRING, what);
            case 9 -> {
                if (depth > 2) {
                    throw new FormatException(what + ": arrays nested too deep");
                }
                int elementType = in.u32(what + " element type");
                long count = in.u64(what + " count");
                if (count < 0 || count > MAX_COUNT || count > in.remaining()) {
                    throw new FormatException(what + ": array of " + Long.toUnsignedString(count) + " elements cannot fit");
                }
                for (long i = 0; i < count; i++) {
                    value(in, elementType, key, depth + 1);
                }
                yield "array[" + count + "] of " + (elementType >= 0 && elementType < VALUE_TYPES.length
                        ? VALUE_TYPES[elementType] : "type" + elementType);
            }
            default -> throw new FormatException(what + " has unknown type " + type);
        };
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.append(c >= 0x20 && c != 0x7f ? Character.toString(c) : "?"));
        return b.toString();
    }
}
