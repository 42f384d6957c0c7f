package dev.bastion.inference;

import java.util.Optional;

/** The value types of GGUF metadata (gguf.md, {@code gguf_metadata_value_type}), with their encoded sizes. */
enum GgufValueType {
    UINT8(0, 1, "u8"),
    INT8(1, 1, "i8"),
    UINT16(2, 2, "u16"),
    INT16(3, 2, "i16"),
    UINT32(4, 4, "u32"),
    INT32(5, 4, "i32"),
    FLOAT32(6, 4, "f32"),
    BOOL(7, 1, "bool"),
    STRING(8, 8, "string"),
    ARRAY(9, 12, "array"),
    UINT64(10, 8, "u64"),
    INT64(11, 8, "i64"),
    FLOAT64(12, 8, "f64");

    private final int id;
    private final int minBytes;
    private final String label;

    GgufValueType(int id, int minBytes, String label) {
        this.id = id;
        this.minBytes = minBytes;
        this.label = label;
    }

    /** The id stored in the file. */
    int id() {
        return id;
    }

    /**
     * The fewest bytes one value of this type occupies: its exact size for numbers and bools, the length prefix for
     * a string, the element type and count for an array. Used to refuse counts before anything is allocated.
     */
    int minBytes() {
        return minBytes;
    }

    /** Whether values have a fixed size (numbers and bools), so arrays of them can be kept as raw bytes. */
    boolean fixedSize() {
        return this != STRING && this != ARRAY;
    }

    /** Whether this is one of the eight integer types. */
    boolean integer() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The short name used in messages ("u32", "string"). */
    String label() {
        return label;
    }

    /** The type with this id, if the format defines one. */
    static Optional<GgufValueType> fromId(long id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
