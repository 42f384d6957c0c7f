package dev.bastion.inference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian byte builder for hand-crafting GGUF files, broken ones included: it writes whatever it is told.
 * Used by {@link GgufWriter} and by tests that need a field the writer would never produce.
 */
public final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    public GgufBytes u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public GgufBytes u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    public GgufBytes u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    public GgufBytes f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    public GgufBytes f64(double v) {
        return u64(Double.doubleToRawLongBits(v));
    }

    /** A GGUF string: u64 byte length, then the UTF-8 bytes. */
    public GgufBytes str(String s) {
        return str(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A GGUF string from raw bytes (which need not be valid UTF-8). */
    public GgufBytes str(byte[] utf8) {
        return u64(utf8.length).raw(utf8);
    }

    public GgufBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    public GgufBytes pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    /** The GGUF preamble: magic, version, tensor count, key/value count. */
    public GgufBytes header(long version, long tensors, long kvs) {
        return raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensors).u64(kvs);
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
