package dev.bastion.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes GGUF v3 files for tests and benchmarks: metadata in the order it is put, tensors in the order they are
 * added, each tensor's data aligned (32 bytes unless {@link #alignment(int)} says otherwise).
 *
 * <p>Tensor bytes can come from a {@link TensorSource} that streams them when the file is written, so that a 1 GB
 * model never has to be in memory at once. The writer does not check keys (duplicates are written as given, which
 * tests of the parser use); it does check that each tensor's data has the size its type and shape imply.
 */
public final class GgufWriter {
    /** Streams one tensor's bytes into the file, exactly the tensor's byte size. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(WritableByteChannel ch) throws IOException;
    }

    private record Pending(String name, GgmlType type, long[] shape, long byteSize, TensorSource source) {
    }

    private final GgufBytes kv = new GgufBytes();
    private final List<Pending> tensors = new ArrayList<>();
    private int kvCount;
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;
    private long version = 3;

    public GgufWriter version(long v) {
        this.version = v;
        return this;
    }

    /** Aligns tensor data to {@code a} bytes and records it as {@code general.alignment} (u32). */
    public GgufWriter alignment(int a) {
        this.alignment = a;
        return putU32(GgufParser.ALIGNMENT_KEY, a);
    }

    /** A key with a value of type id {@code typeId} whose encoded bytes are {@code payload}, unchecked. */
    public GgufWriter putRaw(String key, int typeId, byte[] payload) {
        kv.str(key).u32(typeId).raw(payload);
        kvCount++;
        return this;
    }

    private GgufWriter put(String key, GgufValueType type, GgufBytes value) {
        return putRaw(key, type.id(), value.toByteArray());
    }

    public GgufWriter putU8(String key, int v) {
        return put(key, GgufValueType.UINT8, new GgufBytes().u8(v));
    }

    public GgufWriter putI8(String key, int v) {
        return put(key, GgufValueType.INT8, new GgufBytes().u8(v));
    }

    public GgufWriter putU16(String key, int v) {
        return put(key, GgufValueType.UINT16, new GgufBytes().u16(v));
    }

    public GgufWriter putI16(String key, int v) {
        return put(key, GgufValueType.INT16, new GgufBytes().u16(v));
    }

    public GgufWriter putU32(String key, long v) {
        return put(key, GgufValueType.UINT32, new GgufBytes().u32(v));
    }

    public GgufWriter putI32(String key, int v) {
        return put(key, GgufValueType.INT32, new GgufBytes().u32(v));
    }

    /** A u64 given as its bits: negative values stand for those above {@link Long#MAX_VALUE}. */
    public GgufWriter putU64(String key, long v) {
        return put(key, GgufValueType.UINT64, new GgufBytes().u64(v));
    }

    public GgufWriter putI64(String key, long v) {
        return put(key, GgufValueType.INT64, new GgufBytes().u64(v));
    }

    public GgufWriter putF32(String key, float v) {
        return put(key, GgufValueType.FLOAT32, new GgufBytes().f32(v));
    }

    public GgufWriter putF64(String key, double v) {
        return put(key, GgufValueType.FLOAT64, new GgufBytes().f64(v));
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValueType.BOOL, new GgufBytes().u8(v ? 1 : 0));
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValueType.STRING, new GgufBytes().str(v));
    }

    public GgufWriter putStrings(String key, List<String> values) {
        GgufBytes b = new GgufBytes().u32(GgufValueType.STRING.id()).u64(values.size());
        values.forEach(b::str);
        return put(key, GgufValueType.ARRAY, b);
    }

    /** An array of i32. */
    public GgufWriter putInts(String key, int[] values) {
        GgufBytes b = new GgufBytes().u32(GgufValueType.INT32.id()).u64(values.length);
        for (int v : values) {
            b.u32(v);
        }
        return put(key, GgufValueType.ARRAY, b);
    }

    /** An array of f32. */
    public GgufWriter putFloats(String key, float[] values) {
        GgufBytes b = new GgufBytes().u32(GgufValueType.FLOAT32.id()).u64(values.length);
        for (float v : values) {
            b.f32(v);
        }
        return put(key, GgufValueType.ARRAY, b);
    }

    /** An array of {@code count} elements of type id {@code elementTypeId}, encoded as {@code elements}. */
    public GgufWriter putArray(String key, int elementTypeId, long count, byte[] elements) {
        return putRaw(key, GgufValueType.ARRAY.id(),
                new GgufBytes().u32(elementTypeId).u64(count).raw(elements).toByteArray());
    }

    /** A tensor whose bytes are {@code data}. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        byte[] copy = data.clone();
        addTensor(name, type, shape, ch -> {
            ByteBuffer b = ByteBuffer.wrap(copy);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
        long expected = tensors.getLast().byteSize();
        if (copy.length != expected) {
            tensors.removeLast();
            throw new IllegalArgumentException(name + ": " + copy.length + " bytes given, " + expected + " expected");
        }
        return this;
    }

    /** A tensor whose bytes {@code source} streams when the file is written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorSource source) {
        long byteSize = type.byteSize(GgufTensor.elements(name, shape));
        tensors.add(new Pending(name, type, shape.clone(), byteSize, Objects.requireNonNull(source)));
        return this;
    }

    /**
     * Drops the tensor {@code name} added earlier, so tests can build a file that lacks it or re-add it changed.
     *
     * @throws IllegalArgumentException if no tensor of that name was added
     */
    public GgufWriter removeTensor(String name) {
        if (!tensors.removeIf(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("no tensor " + name + " to remove");
        }
        return this;
    }

    /** Writes the file, replacing any file at {@code path}. */
    public void write(Path path) throws IOException {
        GgufBytes head = new GgufBytes().header(version, tensors.size(), kvCount).raw(kv.toByteArray());
        long offset = 0;
        for (Pending t : tensors) {
            head.str(t.name()).u32(t.shape().length);
            for (long d : t.shape()) {
                head.u64(d);
            }
            head.u32(t.type().id()).u64(offset);
            offset = align(offset + t.byteSize());
        }
        head.pad(alignment);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(head.toByteArray()));
            for (Pending t : tensors) {
                long start = ch.position();
                t.source().writeTo(ch);
                long written = ch.position() - start;
                if (written != t.byteSize()) {
                    throw new IOException("tensor " + t.name() + ": source wrote " + written + " bytes, expected "
                            + t.byteSize());
                }
                writeFully(ch, ByteBuffer.allocate((int) (align(written) - written)));
            }
        }
    }

    private long align(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
