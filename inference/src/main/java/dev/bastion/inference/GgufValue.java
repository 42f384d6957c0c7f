package dev.bastion.inference;

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

    /** An array of numbers or bools, as the {@code count * size} little-endian bytes of the file. */
    record Primitives(GgufValueType elementType, byte[] raw) implements GgufValue {
        public Primitives {
            if (!elementType.fixedSize() || raw.length % elementType.minBytes() != 0) {
                throw new IllegalArgumentException(raw.length + " bytes are not an array of " + elementType);
            }
            raw = raw.clone();
        }

        @Override
        public byte[] raw() {
            return raw.clone();
        }

        /** The number of elements. */
        int length() {
            return raw.length / elementType.minBytes();
        }

        /** The raw bytes without a copy, for decoding inside this package. */
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

    /** An array of strings. */
    record Strings(List<String> values) implements GgufValue {
        public Strings {
            values = List.copyOf(values);
        }

        @Override
        public String describe() {
            return "array of string";
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
