package dev.bastion.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, with typed getters.
 *
 * <p>Every getter returns an empty {@link Optional} when the key is absent and throws a {@link GgufFormatException}
 * naming the key when it is present with another type, so that a file with {@code llama.block_count} stored as a
 * string is refused with a message rather than silently treated as missing. Getters never return null.
 *
 * <p>This class is immutable and thread-safe; array getters return fresh copies.
 */
public final class GgufMetadata {
    private final Map<String, GgufValue> values;

    GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The keys, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** The string at {@code key}. */
    public Optional<String> string(String key) throws GgufFormatException {
        return get(key, "a string", GgufValue.Str.class).map(GgufValue.Str::value);
    }

    /**
     * The integer at {@code key}, of any integer type.
     *
     * @throws GgufFormatException if the value is not an integer, or is a u64 above {@link Long#MAX_VALUE}
     */
    public Optional<Long> integer(String key) throws GgufFormatException {
        Optional<GgufValue.Int> v = get(key, "an integer", GgufValue.Int.class);
        if (v.isPresent() && v.get().type() == GgufValueType.UINT64 && v.get().bits() < 0) {
            throw new GgufFormatException("metadata key " + GgufCursor.quote(key) + " is " + v.get().text()
                    + ", above the largest supported integer " + Long.MAX_VALUE);
        }
        return v.map(GgufValue.Int::bits);
    }

    /** The number at {@code key}, of any integer or float type (a u64 above 2^63 is read as unsigned). */
    public Optional<Double> number(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return switch (v) {
            case null -> Optional.empty();
            case GgufValue.Real r -> Optional.of(r.value());
            case GgufValue.Int i -> Optional.of(Double.parseDouble(i.text()));
            default -> throw wrongType(key, v, "a number");
        };
    }

    /** The bool at {@code key}. */
    public Optional<Boolean> bool(String key) throws GgufFormatException {
        return get(key, "a bool", GgufValue.Bool.class).map(GgufValue.Bool::value);
    }

    /**
     * The array of strings at {@code key}, decoded on each call into a new unmodifiable list (150k tokens take a few
     * milliseconds). An array of another element type, even an empty one, is the wrong type.
     */
    public Optional<List<String>> strings(String key) throws GgufFormatException {
        return get(key, "an array of string", GgufValue.Strings.class).map(GgufValue.Strings::values);
    }

    /**
     * The array of integers at {@code key}, of any integer element type whose values all fit in an int.
     *
     * @throws GgufFormatException if the value is not an integer array or an element does not fit in an int
     */
    public Optional<int[]> ints(String key) throws GgufFormatException {
        Optional<GgufValue.Primitives> p = primitives(key, "an array of integers");
        if (p.isEmpty()) {
            return Optional.empty();
        }
        GgufValueType t = p.get().elementType();
        if (!t.integer()) {
            throw wrongType(key, p.get(), "an array of integers");
        }
        ByteBuffer in = ByteBuffer.wrap(p.get().rawView()).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[p.get().length()];
        for (int i = 0; i < out.length; i++) {
            long v = switch (t) {
                case UINT8 -> Byte.toUnsignedInt(in.get());
                case INT8 -> in.get();
                case UINT16 -> Short.toUnsignedInt(in.getShort());
                case INT16 -> in.getShort();
                case UINT32 -> Integer.toUnsignedLong(in.getInt());
                case INT32 -> in.getInt();
                default -> in.getLong();
            };
            if (v != (int) v || (t == GgufValueType.UINT64 && v < 0)) {
                String text = t == GgufValueType.UINT64 ? Long.toUnsignedString(v) : Long.toString(v);
                throw new GgufFormatException("metadata key " + GgufCursor.quote(key) + "[" + i + "] is " + text
                        + ", outside the int range");
            }
            out[i] = (int) v;
        }
        return Optional.of(out);
    }

    /** The array of f32 (or f64, rounded to float) at {@code key}. */
    public Optional<float[]> floats(String key) throws GgufFormatException {
        Optional<GgufValue.Primitives> p = primitives(key, "an array of f32");
        if (p.isEmpty()) {
            return Optional.empty();
        }
        GgufValueType t = p.get().elementType();
        if (t != GgufValueType.FLOAT32 && t != GgufValueType.FLOAT64) {
            throw wrongType(key, p.get(), "an array of f32");
        }
        ByteBuffer in = ByteBuffer.wrap(p.get().rawView()).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[p.get().length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t == GgufValueType.FLOAT32 ? in.getFloat() : (float) in.getDouble();
        }
        return Optional.of(out);
    }

    /** The string at {@code key}; a missing key is an error. */
    public String requireString(String key) throws GgufFormatException {
        return string(key).orElseThrow(() -> missing(key, "a string"));
    }

    /** The integer at {@code key}; a missing key is an error. */
    public long requireInteger(String key) throws GgufFormatException {
        return integer(key).orElseThrow(() -> missing(key, "an integer"));
    }

    /** The number at {@code key}; a missing key is an error. */
    public double requireNumber(String key) throws GgufFormatException {
        return number(key).orElseThrow(() -> missing(key, "a number"));
    }

    /** The keys and the type of each value, never the values (they may be long). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("GgufMetadata{");
        values.forEach((k, v) -> b.append(b.length() > 13 ? ", " : "").append(k).append(": ").append(v.describe()));
        return b.append('}').toString();
    }

    private Optional<GgufValue.Primitives> primitives(String key, String expected) throws GgufFormatException {
        return get(key, expected, GgufValue.Primitives.class);
    }

    private <T extends GgufValue> Optional<T> get(String key, String expected, Class<T> type)
            throws GgufFormatException {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw wrongType(key, v, expected);
        }
        return Optional.of(type.cast(v));
    }

    private static GgufFormatException wrongType(String key, GgufValue v, String expected) {
        return new GgufFormatException("metadata key " + GgufCursor.quote(key) + " is " + article(v.describe())
                + ", expected " + expected);
    }

    private static GgufFormatException missing(String key, String expected) {
        return new GgufFormatException("metadata key " + GgufCursor.quote(key) + " is missing (expected "
                + expected + ")");
    }

    private static String article(String label) {
        return (label.startsWith("a") || label.startsWith("i") || label.startsWith("f") ? "an " : "a ") + label;
    }
}
