package dev.bastion.inference;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A cache on disk of the layouts {@link WeightMatrix#of} rebuilds a model's quantised matrices into (rows interleaved
 * by four), so that a later load maps them read-only, as the GGUF file itself is mapped, instead of copying the file
 * into fresh anonymous memory again. That copy was the largest part of a cold start: 6.3-6.9 s of process CPU for the
 * 1.3 GB Q8_0 Llama-3.2-1B-shaped file, mostly the first-touch faults of 1.3 GB of new pages (docs/benchmarks.md,
 * cold start, round eighteen).
 *
 * <p>One file per model path in the cache directory, named by a hash of the model's real path. It is written on the
 * first load (to a temporary file in the same directory, then renamed over the old one atomically, so that a reader
 * sees a whole file or none, and two processes loading at once each write a whole file of their own) and is used only
 * if its header holds this load's {@link Key}: the model's size, modification time and a SHA-256 of its header and
 * tensor table, the cache format, the layout version and the settings and CPU features the layouts depend on
 * ({@link WeightMatrix#packingSettings}). The header carries its own CRC-32C and the file's length (a truncated file
 * is refused), and each matrix its CRC-32C, checked when the cache is opened (a flipped byte is refused); a refused
 * cache is rebuilt. The directory and the files are the owner's only. Nothing here fails a load: a cache that cannot
 * be read, written (a read-only home, a full disk) or trusted leaves the load to the in-memory repack, and the
 * {@link Outcome} says why.
 *
 * <p>Instances are immutable; concurrent loads, in this process or others, are safe.
 */
final class WeightCache {
    /*
     * The file: a header, then each matrix's layout at an offset aligned to 4096 bytes (a page, as the anonymous
     * memory of the in-memory repack is aligned).
     *   magic (8 bytes) | format (int) | header length H (int) | key | entry count | entries | file length (long)
     *   | CRC-32C of the H - 4 bytes before it (int) | zeros to the first page boundary | data ...
     * An entry: tensor name, type name, rows, cols, offset, length, CRC-32C of the length bytes at offset.
     * Integers big-endian (DataOutputStream); strings as modified UTF-8 (writeUTF).
     *
     * Checking every matrix's CRC-32C costs one read of the cache per load (CRC32C is an intrinsic; the pages are
     * those the first prompt reads anyway): docs/benchmarks.md, cold start, round nineteen, has its cost.
     */

    /** The file name's ending. */
    static final String SUFFIX = ".weights";
    private static final byte[] MAGIC = "BSTNWTC\n".getBytes(StandardCharsets.US_ASCII);
    /** The cache file's format; a change makes every older cache unused. */
    static final int FORMAT = 1;
    private static final int ALIGN = 4096;
    private static final int MAX_HEADER = 16 << 20;
    /** Room left on the disk after a cache is written: a cache is not what should fill it. */
    private static final long SPARE_BYTES = 256L << 20;
    private static final System.Logger LOG = System.getLogger(WeightCache.class.getName());

    /** What a load did with the cache. */
    sealed interface Outcome {
        /** The weights are mapped from {@code cache}. */
        record Used(Path cache) implements Outcome {
        }

        /** The weights were rebuilt in memory and written to {@code cache}; {@code replaced} says why an existing one was not used. */
        record Built(Path cache, Optional<String> replaced) implements Outcome {
        }

        /** The weights were rebuilt in memory and not cached, for {@code reason}. */
        record NotUsed(String reason) implements Outcome {
        }
    }

    /** The weights and what the load did with the cache. */
    record Loaded(Weights weights, Outcome outcome) {
    }

    /** What a cache must have been made for: one model file and this process's layouts. */
    record Key(long size, long modifiedNanos, String headerSha256, String settings) {
        static Key of(GgufFile file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file.path(), BasicFileAttributes.class);
            MessageDigest sha = sha256();
            sha.update(file.header().asByteBuffer());
            return new Key(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                    HexFormat.of().formatHex(sha.digest()), "format=" + FORMAT + " " + WeightMatrix.packingSettings());
        }
    }

    /** The disk as this class uses it, replaceable in tests (a full disk). */
    interface Disk {
        long usableSpace(Path dir) throws IOException;

        FileChannel openForWriting(Path file) throws IOException;

        Disk REAL = new Disk() {
            @Override
            public long usableSpace(Path dir) throws IOException {
                return Files.getFileStore(dir).getUsableSpace();
            }

            @Override
            public FileChannel openForWriting(Path file) throws IOException {
                return FileChannel.open(file, StandardOpenOption.WRITE);
            }
        };
    }

    private final Path dir;
    private final Disk disk;

    /** A cache in {@code dir} (created, owner-only, on first use). */
    WeightCache(Path dir) {
        this(dir, Disk.REAL);
    }

    WeightCache(Path dir, Disk disk) {
        this.dir = dir.toAbsolutePath();
        this.disk = disk;
    }

    /** The cache file of the model at {@code model} (which need not exist yet). */
    Path fileFor(Path model) throws IOException {
        String id = model.toRealPath().toString();
        return dir.resolve(HexFormat.of().formatHex(sha256().digest(id.getBytes(StandardCharsets.UTF_8)), 0, 16) + SUFFIX);
    }

    /**
     * The weights of {@code file}: mapped from the cache if it holds them for this file and this process's layouts,
     * else rebuilt in memory ({@link Weights#load}) and written to the cache for the next load.
     *
     * @throws GgufFormatException if the model's tensors do not fit its configuration (never for a cache problem)
     */
    Loaded load(GgufFile file, ModelConfig c) throws GgufFormatException {
        Key key;
        Path cache;
        try {
            key = Key.of(file);
            cache = fileFor(file.path());
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return new Loaded(Weights.load(file, c), new Outcome.NotUsed("the model file cannot be identified: " + e));
        }
        Optional<String> stale = Optional.empty();
        if (Files.exists(cache)) {
            Opening opening = open(cache, key);
            switch (opening) {
                case Opened o -> {
                    try {
                        return new Loaded(Weights.load(file, c, o), new Outcome.Used(cache));
                    } catch (StaleEntry e) {
                        stale = Optional.of(e.getMessage());
                    }
                }
                case Refused r -> stale = Optional.of(r.reason());
            }
        }
        Recorder recorder = new Recorder();
        Weights weights = Weights.load(file, c, recorder);
        if (recorder.entries.isEmpty()) {
            return new Loaded(weights, new Outcome.NotUsed("no matrix of this model is rebuilt"));
        }
        return new Loaded(weights, write(cache, key, recorder.entries, stale));
    }

    /**
     * Deletes the cache files (and temporary files a stopped process left) in {@code dir}.
     *
     * @return the bytes freed
     * @throws IOException if a file cannot be deleted
     */
    static long clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long freed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*{" + SUFFIX + ",.tmp}")) {
            for (Path f : files) {
                long size = Files.size(f);
                if (Files.deleteIfExists(f)) {
                    freed += size;
                }
            }
        }
        return freed;
    }

    // ---- reading

    private record Entry(String name, GgmlType type, int rows, int cols, long offset, long length, int crc) {
    }

    private sealed interface Opening {
    }

    private record Refused(String reason) implements Opening {
    }

    /** A checked cache, mapped: it makes the matrices it holds and leaves the rest to {@link WeightMatrix#of}. */
    private record Opened(MemorySegment map, Map<String, Entry> entries) implements Opening, Weights.Matrices {
        @Override
        public WeightMatrix of(GgufTensor t, MemorySegment data, int rows, int cols) {
            Entry e = entries.get(t.name());
            long expected = WeightMatrix.packedBytes(t.type(), rows, cols);
            if (e == null) {
                if (expected != 0) {
                    throw new StaleEntry("it has no layout of " + t.name());
                }
                return WeightMatrix.of(t.type(), data, rows, cols);
            }
            if (e.type() != t.type() || e.rows() != rows || e.cols() != cols || e.length() != expected) {
                throw new StaleEntry("its layout of " + t.name() + " does not fit the tensor");
            }
            return WeightMatrix.packed(t.type(), map.asSlice(e.offset(), e.length()), rows, cols);
        }
    }

    /** A cache that passed its checks but does not fit the model after all; the load falls back to a rebuild. */
    private static final class StaleEntry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleEntry(String message) {
            super(message, null, false, false);
        }
    }

    private static Opening open(Path cache, Key key) {
        MemorySegment map;
        try {
            map = mapWhole(cache);
        } catch (IOException | RuntimeException e) {
            return new Refused("it cannot be read: " + e);
        }
        try { // everything read from the one mapping: a file renamed over the cache meanwhile is not seen
            return check(map, key);
        } catch (IOException | RuntimeException e) { // a header that parses as nonsense
            return new Refused("it cannot be read: " + e);
        }
    }

    /** The cache file mapped whole: 2 MB-aligned ({@link FileMemory}) where possible. */
    private static MemorySegment mapWhole(Path cache) throws IOException {
        Optional<MemorySegment> aligned = FileMemory.mapReadOnly(cache);
        if (aligned.isPresent()) {
            return aligned.get();
        }
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
            return plainNative(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
        }
    }

    private static Opening check(MemorySegment map, Key key) throws IOException {
        long size = map.byteSize();
        if (size < 16) {
            return new Refused("it is truncated (" + size + " bytes)");
        }
        ByteBuffer start = ByteBuffer.wrap(map.asSlice(0, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        byte[] magic = new byte[MAGIC.length];
        start.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return new Refused("it is not a weight cache");
        }
        int format = start.getInt();
        int headerBytes = start.getInt();
        if (format != FORMAT) {
            return new Refused("it has format " + format + ", not " + FORMAT);
        }
        if (headerBytes < 16 + 4 || headerBytes > MAX_HEADER || headerBytes > size) {
            return new Refused("its header is truncated or damaged");
        }
        byte[] header = map.asSlice(0, headerBytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, headerBytes - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(header, headerBytes - 4, 4).getInt()) {
            return new Refused("its header is damaged (checksum)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(header, 16, headerBytes - 20));
        Key stored = new Key(in.readLong(), in.readLong(), in.readUTF(), in.readUTF());
        if (!stored.equals(key)) {
            return new Refused("it was made for another model file, cache format, layout or CPU");
        }
        int count = in.readInt();
        if (count < 0 || count > 1_000_000) {
            return new Refused("its header is damaged");
        }
        long dataStart = align(headerBytes);
        Map<String, Entry> entries = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Entry e = new Entry(in.readUTF(), GgmlType.valueOf(in.readUTF()), in.readInt(), in.readInt(),
                    in.readLong(), in.readLong(), in.readInt());
            if (e.offset() < dataStart || e.offset() % ALIGN != 0 || e.length() <= 0
                    || e.length() > size - e.offset()) {
                return new Refused("it is truncated or damaged (" + e.name() + " lies outside it)");
            }
            entries.put(e.name(), e);
        }
        long length = in.readLong();
        if (length != size) {
            return new Refused("it is truncated or damaged (" + size + " bytes, written " + length + ")");
        }
        List<Entry> list = List.copyOf(entries.values());
        int[] bad = {-1};
        Parallel.forRange(list.size(), (from, to) -> {
            for (int i = from; i < to; i++) {
                Entry e = list.get(i);
                if (crc32c(map.asSlice(e.offset(), e.length())) != e.crc()) {
                    bad[0] = i;
                }
            }
        });
        if (bad[0] >= 0) {
            return new Refused("it is damaged (the checksum of " + list.get(bad[0]).name() + " does not match)");
        }
        return new Opened(map, Map.copyOf(entries));
    }

    /**
     * The mapping as a plain native segment, of the class {@link AnonymousMemory}'s segments have, read-only; the
     * mapping stays until the returned segment (and every slice of it) is unreachable. Why: the kernels are compiled
     * on the warm-up's tiny model, whose weights are in anonymous memory, and a file mapping's segment is of another
     * class ({@code MappedMemorySegmentImpl}); the kernels' compiled code, profiled on the one class, would then meet
     * the other in the decode (measured in docs/benchmarks.md, cold start, round nineteen).
     */
    @SuppressWarnings("restricted") // reinterpret: the size is the mapping's own
    private static MemorySegment plainNative(MemorySegment mapping) {
        long size = mapping.byteSize();
        return MemorySegment.ofAddress(mapping.address())
                .reinterpret(size, Arena.ofAuto(), s -> java.lang.ref.Reference.reachabilityFence(mapping))
                .asReadOnly();
    }

    // ---- writing

    private record Recorded(String name, GgmlType type, int rows, int cols, MemorySegment data) {
    }

    /** {@link WeightMatrix#of}, keeping every rebuilt layout for {@link #write}. Used by one thread. */
    private static final class Recorder implements Weights.Matrices {
        final List<Recorded> entries = new ArrayList<>();

        @Override
        public WeightMatrix of(GgufTensor t, MemorySegment data, int rows, int cols) {
            WeightMatrix m = WeightMatrix.of(t.type(), data, rows, cols);
            m.packedData().ifPresent(p -> entries.add(new Recorded(t.name(), t.type(), rows, cols, p)));
            return m;
        }
    }

    private Outcome write(Path cache, Key key, List<Recorded> recorded, Optional<String> stale) {
        int[] crcs = new int[recorded.size()];
        Parallel.forRange(recorded.size(), (from, to) -> {
            for (int i = from; i < to; i++) {
                crcs[i] = crc32c(recorded.get(i).data());
            }
        });
        byte[] header;
        long[] offsets = new long[recorded.size()];
        long length;
        try {
            // the header's size does not depend on the offsets' values: lay it out once with zeros to learn it
            int headerBytes = header(key, recorded, crcs, offsets, 0).length;
            long at = align(headerBytes);
            for (int i = 0; i < recorded.size(); i++) {
                offsets[i] = at;
                at = align(at + recorded.get(i).data().byteSize());
            }
            length = offsets[offsets.length - 1] + recorded.getLast().data().byteSize();
            header = header(key, recorded, crcs, offsets, length);
        } catch (IOException e) { // a ByteArrayOutputStream does not throw
            throw new UncheckedIOException(e);
        }
        Path tmp = null;
        try {
            createPrivateDirectories(dir);
            long free = disk.usableSpace(dir);
            if (free < length + SPARE_BYTES) {
                return new Outcome.NotUsed("the disk of " + dir + " has " + (free >> 20) + " MiB free; the cache needs "
                        + (length >> 20) + " MiB and leaves " + (SPARE_BYTES >> 20) + " MiB");
            }
            tmp = createPrivateFile(dir, cache.getFileName() + ".");
            try (FileChannel ch = disk.openForWriting(tmp)) {
                writeFully(ch, ByteBuffer.wrap(header), 0);
                for (int i = 0; i < recorded.size(); i++) {
                    MemorySegment data = recorded.get(i).data();
                    for (long done = 0; done < data.byteSize(); ) {
                        long n = Math.min(data.byteSize() - done, 1L << 30);
                        writeFully(ch, data.asSlice(done, n).asByteBuffer(), offsets[i] + done);
                        done += n;
                    }
                }
            }
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Outcome.Built(cache, stale);
        } catch (IOException | UncheckedIOException | SecurityException | UnsupportedOperationException e) {
            deleteQuietly(tmp);
            return new Outcome.NotUsed("it could not be written to " + dir + ": " + e);
        }
    }

    private static byte[] header(Key key, List<Recorded> recorded, int[] crcs, long[] offsets, long length)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(0); // the header's length, set below
        out.writeLong(key.size());
        out.writeLong(key.modifiedNanos());
        out.writeUTF(key.headerSha256());
        out.writeUTF(key.settings());
        out.writeInt(recorded.size());
        for (int i = 0; i < recorded.size(); i++) {
            Recorded r = recorded.get(i);
            out.writeUTF(r.name());
            out.writeUTF(r.type().name());
            out.writeInt(r.rows());
            out.writeInt(r.cols());
            out.writeLong(offsets[i]);
            out.writeLong(r.data().byteSize());
            out.writeInt(crcs[i]);
        }
        out.writeLong(length);
        out.writeInt(0); // the checksum, set below
        byte[] header = bytes.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(header);
        b.putInt(MAGIC.length + 4, header.length);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, header.length - 4);
        b.putInt(header.length - 4, (int) crc.getValue());
        return header;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long start = at - b.position();
        while (b.hasRemaining()) {
            ch.write(b, start + b.position());
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            Files.createDirectories(dir);
        }
    }

    private static Path createPrivateFile(Path dir, String prefix) throws IOException {
        try {
            return Files.createTempFile(dir, prefix, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the unfinished weight cache " + file + ": " + e);
        }
    }

    // ---- shared

    private static long align(long at) {
        return (at + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static int crc32c(MemorySegment data) {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < data.byteSize(); ) {
            long n = Math.min(data.byteSize() - done, 1L << 30);
            crc.update(data.asSlice(done, n).asByteBuffer());
            done += n;
        }
        return (int) crc.getValue();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) { // every JDK has it
            throw new IllegalStateException(e);
        }
    }
}
