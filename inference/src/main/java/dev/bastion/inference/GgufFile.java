package dev.bastion.inference;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A GGUF v2 or v3 file, memory-mapped read-only, with its header parsed and checked.
 *
 * <p>{@link #open} refuses any malformed file with a {@link GgufFormatException} whose message names what is wrong
 * and where; once open, every tensor's bytes are known to lie inside the file, aligned, without overlap. Weights are
 * never copied: {@link #data} returns read-only slices of the mapping.
 *
 * <p>Thread-safe: the mapping belongs to a shared arena and may be read from any thread until {@link #close}, after
 * which reading a slice throws {@link IllegalStateException}. The file must not be truncated while open (as with
 * any memory mapping, the JVM would then fail with an internal error on access).
 */
public final class GgufFile implements AutoCloseable {
    /*
     * The process's first heap segment (MemorySegment.ofArray of a byte array) loads the JDK's heap segment classes,
     * and loading them throws away every compiled method that reads a memory segment: C2 compiled those on the
     * assumption that native segments were the only kind (class hierarchy analysis). The Vector API's own Java
     * fallback makes one the first time the interpreter reinterprets a vector, which in a cold generate came in the
     * middle of the kernel warm-up: 32 methods deoptimised at once, the warm-up's compiled kernels and the repack
     * among them, to be compiled again (docs/benchmarks.md, cold start, round twelve). Made here, before any segment
     * of a model is read, nothing compiled yet depends on there being none.
     */
    static {
        MemorySegment.ofArray(new byte[0]);
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufParser.Layout layout;
    private final Map<String, GgufTensor> byName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Layout layout) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.layout = layout;
        this.byName = new LinkedHashMap<>();
        for (GgufTensor t : layout.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Maps {@code path} read-only and parses its header.
     *
     * @throws GgufFormatException if the content is not a well-formed GGUF v2 or v3 file (the message starts with
     *     the path)
     * @throws IOException if the file cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, mapping, GgufParser.parse(mapping));
        } catch (GgufFormatException e) {
            arena.close();
            throw new GgufFormatException(path + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The format version, 2 or 3. */
    public int version() {
        return layout.version();
    }

    /** The key/value metadata. */
    public GgufMetadata metadata() {
        return layout.metadata();
    }

    /** The tensors, in file order (unmodifiable). */
    public List<GgufTensor> tensors() {
        return layout.tensors();
    }

    /** The tensor named {@code name}. */
    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The bytes of {@code t}: a read-only slice of the mapping, exactly {@code t.byteSize()} long.
     *
     * @throws IllegalArgumentException if {@code t} is not a tensor of this file
     * @throws IllegalStateException if the file is closed
     */
    public MemorySegment data(GgufTensor t) {
        if (!t.equals(byName.get(t.name()))) {
            throw new IllegalArgumentException(t + " is not a tensor of " + path);
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(path + " is closed");
        }
        return mapping.asSlice(layout.dataOffset() + t.offset(), t.byteSize()).asReadOnly();
    }

    /**
     * The file offset where the tensor data section starts (a multiple of {@link #alignment()}); in a file without
     * tensors it may be at or past the end of the file.
     */
    public long dataOffset() {
        return layout.dataOffset();
    }

    /** The bytes before the tensor data (the header, the metadata and the tensor table), read-only. */
    MemorySegment header() {
        return mapping.asSlice(0, layout.dataOffset()).asReadOnly();
    }

    /** The alignment of tensor data, from {@code general.alignment} or 32. */
    public int alignment() {
        return layout.alignment();
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Unmaps the file; slices returned by {@link #data} become inaccessible. Closing twice is harmless. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + tensors().size() + " tensors, "
                + metadata().keys().size() + " keys]";
    }
}
