package dev.bastion.inference;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One decoded metadata value. Numbers and bools keep their file type so that a getter can say "is a string,
 * expected an integer"; arrays of fixed-size elements keep their little-endian bytes (as compact as the file) and
 * are decoded when asked for.
 */
sealed interface GgufValue {
    /** What the value is, for messages: "u32", "array of string". */
    String describe();

    /** An integer of any width; for {@link GgufValueType#UINT64} the bits may be negative (above Long.MAX_VALUE). */
    record Int(GgufValueType type, long bits) implements GgufValue {
        public Int {
            Objects.requireNonNull(type, "type");
            if (!type.integer()) {
                throw new IllegalArgumentException(type + " is not an integer type");
            }
        }

        @Override
        public String describe() {
            return type.label();
        }

        /** The value as an unsigned decimal when it is a u64, signed otherwise. */
        String text() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(bits) : Long.toString(bits);
        }
    }

    /** An f32 or f64. */
    record Real(GgufValueType type, double value) implements GgufValue {
        public Real {
            if (type != GgufValueType.FLOAT32 && type != GgufValueType.FLOAT64) {
                throw new IllegalArgumentException(type + " is not a float type");
            }
        }

        @Override
        public String describe() {
            return type.label();
        }
    }

    /** A bool. */
    record Bool(boolean value) implements GgufValue {
        @Override
        public String describe() {
            return "bool";
        }
    }

    /** A string. */
    record Str(String value) implements GgufValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String describe() {
            return "string";
        }
    }

    /**
     * An array of numbers or bools, as the {@code count * size} little-endian bytes of the file. Not a record: it
     * takes ownership of the bytes rather than copying them, and nothing outside this package sees it.
     */
    final class Primitives implements GgufValue {
        private final GgufValueType elementType;
        private final byte[] raw;

        /** Takes ownership of {@code raw}, a whole number of elements of {@code elementType}. */
        Primitives(GgufValueType elementType, byte[] raw) {
            if (!elementType.fixedSize() || raw.length % elementType.minBytes() != 0) {
                throw new IllegalArgumentException(raw.length + " bytes are not an array of " + elementType);
            }
            this.elementType = elementType;
            this.raw = raw;
        }

        GgufValueType elementType() {
            return elementType;
        }

        /** The number of elements. */
        int length() {
            return raw.length / elementType.minBytes();
        }

        /** The raw bytes without a copy: callers in this package only read them. */
        byte[] rawView() {
            return raw;
        }

        @Override
        public String describe() {
            return "array of " + elementType.label();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Primitives p && p.elementType == elementType && Arrays.equals(p.raw, raw);
        }

        @Override
        public int hashCode() {
            return elementType.hashCode() * 31 + Arrays.hashCode(raw);
        }

        @Override
        public String toString() {
            return "Primitives[" + elementType.label() + " x " + length() + "]";
        }
    }

    /**
     * An array of strings, kept as their concatenated UTF-8 bytes (already validated) and the end of each, so that
     * 150k tokens take about their size in the file rather than 150k String objects until someone asks for them.
     */
    final class Strings implements GgufValue {
        private final byte[] utf8;
        private final int[] ends;

        /** Takes ownership of the arrays: {@code ends} ascending, the last one at most {@code utf8.length}. */
        Strings(byte[] utf8, int[] ends) {
            for (int i = 0; i < ends.length; i++) {
                if (ends[i] < (i == 0 ? 0 : ends[i - 1]) || ends[i] > utf8.length) {
                    throw new IllegalArgumentException("string end " + ends[i] + " at " + i + " out of order");
                }
            }
            this.utf8 = utf8;
            this.ends = ends;
        }

        /** The strings, decoded now into a new unmodifiable list. */
        List<String> values() {
            String[] out = new String[ends.length];
            int from = 0;
            for (int i = 0; i < ends.length; i++) {
                out[i] = new String(utf8, from, ends[i] - from, StandardCharsets.UTF_8);
                from = ends[i];
            }
            return List.of(out);
        }

        @Override
        public String describe() {
            return "array of string";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Strings s && Arrays.equals(s.utf8, utf8) && Arrays.equals(s.ends, ends);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(utf8) * 31 + Arrays.hashCode(ends);
        }

        @Override
        public String toString() {
            return "Strings[" + ends.length + "]";
        }
    }

    /** An array of arrays (bounded in depth by the parser). */
    record Nested(List<GgufValue> values) implements GgufValue {
        public Nested {
            values = List.copyOf(values);
        }

        @Override
        public String describe() {
            return "array of array";
        }
    }
}
