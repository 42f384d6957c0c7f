package dev.bastion.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the key/value section of a GGUF header into a {@link GgufMetadata}.
 *
 * <p>Checks: keys are non-empty, at most 65,535 bytes (gguf.md) and unique; value type ids are known; bools are 0
 * or 1; strings are valid UTF-8 of at most {@link #MAX_STRING_BYTES}; array lengths fit in the bytes remaining
 * before any allocation; arrays nest at most {@link #MAX_DEPTH} deep and a file holds at most
 * {@link #MAX_NESTED_ARRAYS} arrays inside arrays. With the cursor's header limit this bounds the heap the metadata
 * takes to a small multiple of 64 MiB whatever the file contains.
 */
final class GgufMetadataReader {
    /** Longest key, from gguf.md. */
    static final int MAX_KEY_BYTES = 65_535;
    /** Longest string value (chat templates and embedded tokenizer JSON are far below this). */
    static final int MAX_STRING_BYTES = 16 << 20;
    /** Deepest array nesting: an array of arrays of arrays, never used by real models, is the most accepted. */
    static final int MAX_DEPTH = 3;
    /** Most arrays inside arrays in one file (each costs an object far larger than its 12 bytes in the file). */
    static final int MAX_NESTED_ARRAYS = 65_536;

    private final GgufCursor in;
    private long nestedArrays;

    GgufMetadataReader(GgufCursor in) {
        this.in = in;
    }

    /** Reads {@code count} key/value pairs at the cursor. */
    GgufMetadata read(int count) throws GgufFormatException {
        Map<String, GgufValue> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long at = in.position();
            String key = in.string("key of metadata entry #" + i, MAX_KEY_BYTES);
            if (key.isEmpty()) {
                throw new GgufFormatException("key of metadata entry #" + i + " at offset " + at + " is empty");
            }
            String where = "metadata key " + GgufCursor.quote(key);
            if (values.containsKey(key)) {
                throw new GgufFormatException(where + " at offset " + at + " appears twice");
            }
            GgufValueType type = type(where + ": value type");
            values.put(key, value(type, where, 0));
        }
        return new GgufMetadata(values);
    }

    private GgufValueType type(String what) throws GgufFormatException {
        long at = in.position();
        long id = in.u32(what);
        return GgufValueType.fromId(id).orElseThrow(() -> new GgufFormatException(what + " at offset " + at
                + " is " + id + ", not a GGUF value type (0 to 12)"));
    }

    private GgufValue value(GgufValueType type, String where, int depth) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> new GgufValue.Int(type, in.u8(where));
            case INT8 -> new GgufValue.Int(type, (byte) in.u8(where));
            case UINT16 -> new GgufValue.Int(type, in.u16(where));
            case INT16 -> new GgufValue.Int(type, (short) in.u16(where));
            case UINT32 -> new GgufValue.Int(type, in.u32(where));
            case INT32 -> new GgufValue.Int(type, (int) in.u32(where));
            case UINT64, INT64 -> new GgufValue.Int(type, in.u64(where));
            case FLOAT32 -> new GgufValue.Real(type, Float.intBitsToFloat((int) in.u32(where)));
            case FLOAT64 -> new GgufValue.Real(type, Double.longBitsToDouble(in.u64(where)));
            case BOOL -> new GgufValue.Bool(bool(where));
            case STRING -> new GgufValue.Str(in.string(where, MAX_STRING_BYTES));
            case ARRAY -> array(where, depth + 1);
        };
    }

    private boolean bool(String where) throws GgufFormatException {
        long at = in.position();
        int b = in.u8(where);
        if (b > 1) {
            throw new GgufFormatException(where + " at offset " + at + " is a bool of value " + b
                    + " (expected 0 or 1)");
        }
        return b == 1;
    }

    private GgufValue array(String where, int depth) throws GgufFormatException {
        if (depth > MAX_DEPTH) {
            throw new GgufFormatException(where + " at offset " + in.position() + " nests arrays more than "
                    + MAX_DEPTH + " deep");
        }
        GgufValueType element = type(where + ": array element type");
        int n = in.count(where + ": array length", element.minBytes());
        if (element.fixedSize()) {
            byte[] raw = in.bytes((long) n * element.minBytes(), where);
            if (element == GgufValueType.BOOL) {
                checkBools(raw, where);
            }
            return new GgufValue.Primitives(element, raw);
        }
        if (element == GgufValueType.STRING) {
            return in.strings(where, n, MAX_STRING_BYTES);
        }
        nestedArrays += n;
        if (nestedArrays > MAX_NESTED_ARRAYS) {
            throw new GgufFormatException(where + " at offset " + in.position() + " brings the arrays inside arrays"
                    + " to " + nestedArrays + ", more than the " + MAX_NESTED_ARRAYS + " allowed in one file");
        }
        List<GgufValue> arrays = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            arrays.add(array(where + "[" + i + "]", depth + 1));
        }
        return new GgufValue.Nested(arrays);
    }

    private void checkBools(byte[] raw, String where) throws GgufFormatException {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != 0 && raw[i] != 1) {
                throw new GgufFormatException(where + "[" + i + "] at offset " + (in.position() - raw.length + i)
                        + " is a bool of value " + Byte.toUnsignedInt(raw[i]) + " (expected 0 or 1)");
            }
        }
    }
}
