package dev.bastion.audit;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The append-only, tamper-evident audit log: records in checksummed segment files, an RFC 9162 Merkle tree over
 * them, and signed checkpoints of the tree head in {@code checkpoints.log}.
 *
 * <p>Durability: appends are queued and written by one writer thread in group commits: everything queued is
 * written, the segment is fsync'ed, and only then are the appends acknowledged (their futures complete with the
 * record index). A caller therefore waits on at most one group commit. After a crash, a torn last frame (cut
 * short or failing its checksum at the end of the last segment) was never acknowledged and is cut off at open;
 * damage anywhere else is refused, with a pointer to {@code bastion audit verify}. A failed write (a full disk)
 * fails the pending appends and every later one: the log fails closed ({@link #writable()} is false) until the
 * writer has reloaded the log from its files, which it tries once a second. Checkpoints are signed at most once per
 * {@code checkpointEvery} records or on {@link #checkpoint()} and {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    static final long SEGMENT_BYTES = 64L << 20;
    static final String CHECKPOINTS = "checkpoints.log";

    /** @param queuedAt {@link System#nanoTime()} at the append when {@link BenchTiming#ON}, else 0 */
    private record Pending(byte[] record, CompletableFuture<Long> done, long queuedAt) {
        Pending(byte[] record, CompletableFuture<Long> done) {
            this(record, done, BenchTiming.ON ? System.nanoTime() : 0);
        }
    }

    private final Path dir;
    private final SigningKey key;
    private final String origin;
    private final Clock clock;
    private final int checkpointEvery;
    private final long segmentBytes;
    /** Rebuilt from the segment files when a failed log is repaired; guarded by {@code this}. */
    private MerkleTree tree = new MerkleTree();
    private final List<long[]> locations = new ArrayList<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    private FileChannel segment;
    private long segmentLength;
    private FileChannel lockFile;
    private int segmentNumber;
    private long checkpointedSize;
    private Checkpoint lastCheckpoint;
    private volatile IOException failure;
    private volatile boolean closing;
    /** Set by {@link #closeUnsigned()}: no final checkpoint. */
    private volatile boolean unsigned;
    private volatile java.util.function.ObjLongConsumer<byte[]> onDurable = (record, index) -> { };
    /** The shortest time between the starts of two group commits ({@link #commitAtMostEvery}); 0: no wait. */
    private volatile long commitIntervalNanos;
    /** When the writer last started a group commit ({@link System#nanoTime()}); writer thread only. */
    private long lastCommitStart = System.nanoTime() - 1_000_000_000L;
    /** When the writer last tried to repair a failed log ({@link System#nanoTime()}). */
    private long lastRepair;
    /** Records announced with {@link #expect()} so far, and how many of those have arrived (or were withdrawn). */
    private final java.util.concurrent.atomic.AtomicLong expected = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong arrived = new java.util.concurrent.atomic.AtomicLong();
    /** The longest a group commit waits for expected records ({@link #gatherExpectedFor}); 0: no wait. */
    private volatile long gatherNanos;
    /** While the writer gathers: the count of arrivals it waits for; otherwise {@link Long#MAX_VALUE}. */
    private volatile long gatherTarget = Long.MAX_VALUE;
    /** Group commits done (one fsync each), for the records-per-fsync figure. */
    private final java.util.concurrent.atomic.AtomicLong groupCommits = new java.util.concurrent.atomic.AtomicLong();
    /** Fault injection for tests: thrown before a group commit writes, while set. */
    private volatile IOException injectedFault;

    private AuditLog(Path dir, SigningKey key, String origin, Clock clock, int checkpointEvery, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.key = key;
        this.origin = origin;
        this.clock = clock;
        this.checkpointEvery = checkpointEvery;
        this.writer = Thread.ofPlatform().daemon().name("bastion-audit-writer").unstarted(this::writeLoop);
    }

    /**
     * Opens (or creates) the log in {@code dir}, recovering a torn last record.
     *
     * @param checkpointEvery sign a checkpoint after at most this many new records
     * @throws IllegalStateException when a record other than the last is damaged
     */
    public static AuditLog open(Path dir, SigningKey key, String origin, Clock clock, int checkpointEvery) {
        return open(dir, key, origin, clock, checkpointEvery, SEGMENT_BYTES);
    }

    /** As {@link #open(Path, SigningKey, String, Clock, int)}, with the size at which segments rotate. */
    static AuditLog open(Path dir, SigningKey key, String origin, Clock clock, int checkpointEvery, long segmentBytes) {
        AuditLog log = new AuditLog(dir, key, origin, clock, checkpointEvery, segmentBytes);
        try {
            createOwnerOnlyDirectory(dir);
            log.recover();
        } catch (IOException e) {
            log.releaseLock();
            throw new UncheckedIOException("cannot open the audit log in " + dir, e);
        } catch (RuntimeException e) {
            log.releaseLock();
            throw e;
        }
        log.writer.start();
        return log;
    }

    /** Thrown by {@link #open} when another process holds the log: hand records over with {@link #deliverToWriter}. */
    public static final class WriterBusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WriterBusyException(String message) {
            super(message);
        }
    }

    /** Where other processes leave records for the writer: {@code <dir>/inbox/*.rec}, one record a file. */
    static final String INBOX = "inbox";

    /**
     * Hands a record to the process that holds the log (a running gateway), for a process that may not write it
     * itself (the CLI while a gateway runs). The record is written to the log's inbox atomically (a temporary file
     * renamed into place, mode 0600); the writer appends inbox records in name order within about a second, and
     * at its next start if it is not running, then deletes them. A crash between the append and the delete can
     * append a record twice, never lose it.
     */
    public static void deliverToWriter(Path dir, byte[] record) throws IOException {
        Objects.requireNonNull(record, "record");
        if (record.length > Segments.MAX_RECORD) {
            throw new IllegalArgumentException("an audit record is limited to 1 MiB");
        }
        Path inbox = dir.resolve(INBOX);
        createOwnerOnlyDirectory(inbox);
        String name = String.format("%020d-%s", System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L,
                java.util.UUID.randomUUID());
        Path temporary = inbox.resolve("." + name + ".tmp");
        try (FileChannel ch = openOwnerOnly(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(record);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        Files.move(temporary, inbox.resolve(name + ".rec"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Inbox records waiting to be appended, oldest first. */
    private List<Path> inboxFiles() {
        Path inbox = dir.resolve(INBOX);
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(inbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".rec")).sorted().toList();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "audit log: cannot list the inbox " + inbox + ": " + e.getMessage());
            return List.of();
        }
    }

    /** Appends what other processes left in the inbox (on the writer thread), deleting each file once durable. */
    private void drainInbox() {
        List<Path> files = inboxFiles();
        if (files.isEmpty() || failure != null) {
            return;
        }
        List<Pending> batch = new ArrayList<>();
        List<Path> taken = new ArrayList<>();
        for (Path f : files) {
            try {
                byte[] record = Files.readAllBytes(f);
                if (record.length == 0 || record.length > Segments.MAX_RECORD) {
                    LOG.log(System.Logger.Level.WARNING, "audit log: skipping inbox file " + f.getFileName()
                            + " of " + record.length + " bytes");
                    Files.move(f, f.resolveSibling(f.getFileName() + ".rejected"));
                    continue;
                }
                batch.add(new Pending(record, new CompletableFuture<>()));
                taken.add(f);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "audit log: cannot read inbox file " + f.getFileName() + ": "
                        + e.getMessage());
            }
        }
        commit(batch);
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).done().isDone() && !batch.get(i).done().isCompletedExceptionally()) {
                try {
                    Files.deleteIfExists(taken.get(i));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "audit log: cannot delete inbox file " + taken.get(i).getFileName());
                }
            }
        }
    }

    /** POSIX modes for new files and directories (0600, 0700); none where the file system has no POSIX modes. */
    private static FileAttribute<?>[] ownerOnly(String mode) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
    }

    /** Opens {@code file}; a file this creates is readable and writable by its owner only. */
    private static FileChannel openOwnerOnly(Path file, StandardOpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), ownerOnly("rw-------"));
    }

    private static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, ownerOnly("rwx------"));
        }
    }

    private void recover() throws IOException {
        lockFile = openOwnerOnly(dir.resolve("writer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new WriterBusyException("another process is writing the audit log in " + dir
                    + "; only one gateway may write a log (readers such as 'bastion audit' are fine; other writers "
                    + "hand their records over with deliverToWriter)");
        }
        loadFromFiles();
    }

    /**
     * The log's state from its files, as at open and after a failed write: every segment into the tree (a torn
     * last frame cut off), a torn checkpoint cut off, and the latest checkpoint.
     */
    private void loadFromFiles() throws IOException {
        loadSegments();
        recoverCheckpoints();
        List<Checkpoint> checkpoints = readCheckpoints(dir);
        checkpointedSize = checkpoints.isEmpty() ? 0 : checkpoints.getLast().size();
        lastCheckpoint = checkpoints.isEmpty() ? null : checkpoints.getLast();
    }

    /**
     * Reads every segment into the tree and the record locations, cuts off a torn last frame, and opens the last
     * segment for appending.
     */
    private void loadSegments() throws IOException {
        List<Integer> numbers = Segments.list(dir);
        for (int i = 0; i < numbers.size(); i++) {
            if (numbers.get(i) != i) {
                throw new IllegalStateException("the audit log in " + dir + " is missing " + Segments.file(dir, i).getFileName()
                        + "; run 'bastion audit verify' for details");
            }
        }
        for (int i = 0; i < numbers.size(); i++) {
            int n = numbers.get(i);
            Segments.Scan scan = Segments.scan(dir, n);
            for (Segments.Frame f : scan.frames()) {
                tree.appendLeafHash(MerkleTree.leafHash(f.payload()));
                locations.add(new long[] {f.segment(), f.offset()});
            }
            if (!scan.clean()) {
                boolean last = i == numbers.size() - 1;
                if (!last) {
                    throw new IllegalStateException("the audit log is damaged in " + Segments.file(dir, n) + ": "
                            + scan.problem() + "; run 'bastion audit verify' for details");
                }
                LOG.log(System.Logger.Level.WARNING, "audit log: " + scan.problem() + " in " + Segments.file(dir, n)
                        + " (an unacknowledged write cut off by a crash); truncating to " + scan.validLength() + " bytes");
                try (FileChannel ch = FileChannel.open(Segments.file(dir, n), StandardOpenOption.WRITE)) {
                    ch.truncate(scan.validLength());
                    ch.force(true);
                }
            }
        }
        segmentNumber = numbers.isEmpty() ? 0 : numbers.getLast();
        segment = openOwnerOnly(Segments.file(dir, segmentNumber), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        segmentLength = segment.size();
    }

    /**
     * After a failed write, at most once a second: reload the log from its files (what reached the disk is kept,
     * a torn frame is cut off, as after a crash) and accept appends again. Records whose appends failed may be in
     * the log if their bytes reached the disk before the failure; an acknowledged record is never lost.
     */
    private synchronized void repairIfDue() {
        if (failure == null || closing || System.nanoTime() - lastRepair < 1_000_000_000L) {
            return;
        }
        lastRepair = System.nanoTime();
        try {
            if (injectedFault != null) {
                throw injectedFault;
            }
            segment.close();
            tree = new MerkleTree();
            locations.clear();
            loadFromFiles();
            failure = null;
            LOG.log(System.Logger.Level.INFO, "audit log: writable again after a failed write; " + tree.size()
                    + " records");
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * Whether appends are accepted now: false after a failed write (a full disk, lost permissions) until the writer
     * has repaired the log, which it tries once a second by itself, and while closing.
     */
    public boolean writable() {
        return failure == null && !closing;
    }

    /**
     * Tests only (a full disk on demand): while {@code fault} is set, every group commit and repair fails with it;
     * {@code null} lifts it.
     */
    public void injectFaultForTesting(IOException fault) {
        injectedFault = fault;
    }

    private void releaseLock() {
        try {
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** Cuts off a checkpoint whose write a crash interrupted (every complete one ends with a blank line). */
    private void recoverCheckpoints() throws IOException {
        Path file = dir.resolve(CHECKPOINTS);
        if (!Files.exists(file)) {
            return;
        }
        String text = Files.readString(file);
        int end = text.lastIndexOf("\n\n");
        int keep = end < 0 ? 0 : end + 2;
        if (keep < text.length()) {
            LOG.log(System.Logger.Level.WARNING, "audit log: cutting off a checkpoint interrupted by a crash in " + file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(text.substring(0, keep).getBytes(StandardCharsets.UTF_8).length);
                ch.force(true);
            }
        }
    }

    /**
     * Sets the one listener told of every record once it is durable, in index order, on the writer thread, before
     * its append completes: records from this process and from the inbox alike. It must be quick and must not append.
     */
    public void onDurable(java.util.function.ObjLongConsumer<byte[]> listener) {
        this.onDurable = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts a group commit at most once per {@code interval} (zero, the default: as soon as a record is queued).
     * Each group commit costs an fsync, about 100 µs of CPU on this kind of machine (docs/benchmarks.md, "Gateway
     * overhead", round ten) whatever the number of records in it, so a writer that waits gathers more records per
     * fsync, and every append waits up to {@code interval} longer for its acknowledgement. For callers that do not
     * wait for acknowledgements before answering (the gateway with {@code audit.durability: async}), where a crash
     * may then lose up to one interval plus one fsync of records.
     */
    public void commitAtMostEvery(java.time.Duration interval) {
        if (interval.isNegative() || interval.compareTo(java.time.Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("the commit interval must be between 0 and 1 s, not " + interval);
        }
        this.commitIntervalNanos = interval.toNanos();
    }

    /**
     * Lets a group commit wait up to {@code max} for records announced with {@link #expect()}, so that one fsync
     * covers them (zero, the default: no wait). A group commit then starts when its first record is queued, but
     * writes only once every record expected at that moment has arrived or {@code max} has passed, whichever comes
     * first; with nothing expected it writes at once. Each append therefore waits at most {@code max} longer for its
     * acknowledgement, and only while other records are on their way. This is PostgreSQL's {@code commit_delay}
     * with {@code commit_siblings}, bounded by who is actually coming: an fsync costs about as much CPU here as the
     * rest of a proxied request's audit work (docs/benchmarks.md, "Gateway overhead", rounds ten and eleven).
     */
    public void gatherExpectedFor(java.time.Duration max) {
        if (max.isNegative() || max.compareTo(java.time.Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("the gathering wait must be between 0 and 10 s, not " + max);
        }
        this.gatherNanos = max.toNanos();
    }

    /**
     * Announces a record that will be appended soon (a request in flight). Close the returned handle once the
     * record is queued, or when it will not come soon after all (a stream that may last minutes, a request that
     * ended without one); closing twice counts once. Thread-safe.
     */
    public Expected expect() {
        expected.incrementAndGet();
        return new Expected();
    }

    /** A record announced with {@link #expect()}; {@link #close()} says it has arrived or will not come soon. */
    public final class Expected implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Expected() {
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true) && arrived.incrementAndGet() >= gatherTarget) {
                java.util.concurrent.locks.LockSupport.unpark(writer);
            }
        }
    }

    /** How many group commits (each one write and one fsync) the log has done since it opened. */
    public long groupCommits() {
        return groupCommits.get();
    }

    /**
     * Queues a record; the future completes with its index once it is durable, or fails if it cannot be written.
     * The record must not contain prompt or answer text: it is kept forever.
     */
    public CompletableFuture<Long> append(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (record.length > Segments.MAX_RECORD) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("an audit record is limited to 1 MiB"));
        }
        IOException failed = failure;
        if (failed != null || closing) {
            return CompletableFuture.failedFuture(new IllegalStateException("the audit log is not writable"
                    + (failed == null ? " (closing)" : ": " + failed.getMessage())));
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (!queue.offer(new Pending(record.clone(), done))) {
            return CompletableFuture.failedFuture(new IllegalStateException("the audit log's queue is full"));
        }
        return done;
    }

    /** When the writer last looked at the inbox ({@link System#nanoTime()}); writer thread only. */
    private long lastInboxDrain = System.nanoTime() - 1_000_000_000L;

    /** When the writer last began waiting on an empty queue (bench timing only; writer thread only). */
    private long idleSince = Long.MAX_VALUE;

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                idleSince = BenchTiming.ON && queue.isEmpty() ? System.nanoTime() : Long.MAX_VALUE;
                Pending first = queue.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                repairIfDue();
                if (System.nanoTime() - lastInboxDrain >= 1_000_000_000L) {
                    lastInboxDrain = System.nanoTime();
                    drainInbox();
                }
                if (first == null) {
                    continue;
                }
                if (first.record() != null) { // gather more records for this fsync (not when closing)
                    for (long wait; (wait = lastCommitStart + commitIntervalNanos - System.nanoTime()) > 0; ) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    gather();
                }
                lastCommitStart = System.nanoTime();
                batch.add(first);
                queue.drainTo(batch, 50_000);
                boolean stop = batch.removeIf(p -> p.record() == null);
                commit(batch);
                if (stop) {
                    batch.clear();
                    queue.drainTo(batch);
                    batch.removeIf(p -> p.record() == null);
                    commit(batch);
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Waits (writer thread) until every record expected now has arrived, at most {@link #gatherExpectedFor}'s
     * bound. A record that arrives meanwhile unparks the writer once the count is reached; the loop re-checks, so
     * a stale unpark only ends a wait early.
     */
    private void gather() {
        long max = gatherNanos;
        if (max == 0) {
            return;
        }
        long target = expected.get();
        if (arrived.get() >= target) {
            return;
        }
        gatherTarget = target;
        long deadline = System.nanoTime() + max;
        for (long left; arrived.get() < target && (left = deadline - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
        }
        gatherTarget = Long.MAX_VALUE;
    }

    private void commit(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (failure != null) {
            batch.forEach(p -> p.done().completeExceptionally(failure));
            return;
        }
        try {
            long[] firstIndex = new long[1];
            long start = BenchTiming.ON ? System.nanoTime() : 0;
            long written = 0;
            long synced = 0;
            synchronized (this) {
                if (injectedFault != null) {
                    throw injectedFault;
                }
                firstIndex[0] = tree.size();
                int from = 0;
                while (from < batch.size()) {
                    if (segmentLength >= segmentBytes) {
                        segment.force(false);
                        segment.close();
                        segmentNumber++;
                        segment = openOwnerOnly(Segments.file(dir, segmentNumber), StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                        segmentLength = 0;
                    }
                    // One write per batch (up to the segment limit): frames laid out back to back in one buffer.
                    int to = from;
                    long bytes = 0;
                    while (to < batch.size() && (to == from || segmentLength + bytes < segmentBytes)) {
                        bytes += Segments.HEADER + batch.get(to).record().length;
                        to++;
                    }
                    ByteBuffer frames = ByteBuffer.allocate((int) bytes);
                    for (int i = from; i < to; i++) {
                        locations.add(new long[] {segmentNumber, segmentLength + frames.position()});
                        Segments.putFrame(frames, batch.get(i).record());
                    }
                    frames.flip();
                    while (frames.hasRemaining()) {
                        segment.write(frames);
                    }
                    segmentLength += bytes;
                    from = to;
                }
                written = BenchTiming.ON ? System.nanoTime() : 0;
                segment.force(false);
                synced = BenchTiming.ON ? System.nanoTime() : 0;
                groupCommits.incrementAndGet();
                for (Pending p : batch) {
                    tree.appendLeaf(p.record());
                }
                if (tree.size() - checkpointedSize >= checkpointEvery) {
                    writeCheckpoint();
                }
            }
            java.util.function.ObjLongConsumer<byte[]> listener = onDurable;
            for (int i = 0; i < batch.size(); i++) {
                try {
                    listener.accept(batch.get(i).record(), firstIndex[0] + i);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "audit log: a durability listener failed", e);
                }
            }
            if (BenchTiming.ON) {
                long[] queuedAt = batch.stream().mapToLong(Pending::queuedAt).toArray();
                BenchTiming.committed(firstIndex[0], queuedAt, idleSince, start, written, synced, System.nanoTime());
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(firstIndex[0] + i);
            }
        } catch (IOException e) {
            synchronized (this) {
                failure = e;
                lastRepair = System.nanoTime();
            }
            LOG.log(System.Logger.Level.ERROR, "audit log write failed; the log refuses appends (fail closed) until it "
                    + "can write again; it retries once a second", e);
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Signs and stores a checkpoint of everything written so far; returns it. */
    public synchronized Checkpoint checkpoint() {
        try {
            return writeCheckpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an audit checkpoint", e);
        }
    }

    private Checkpoint writeCheckpoint() throws IOException {
        long size = tree.size();
        Checkpoint c = Checkpoint.sign(origin, size, tree.root(size), clock.instant(), key);
        try (FileChannel ch = openOwnerOnly(dir.resolve(CHECKPOINTS), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap((c.encode() + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        checkpointedSize = size;
        lastCheckpoint = c;
        return c;
    }

    /** Every checkpoint in {@code dir}, oldest first. @throws IllegalArgumentException on a malformed one */
    static List<Checkpoint> readCheckpoints(Path dir) throws IOException {
        Path file = dir.resolve(CHECKPOINTS);
        List<Checkpoint> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String block : Files.readString(file).split("\n\n")) {
            if (!block.isBlank()) {
                out.add(Checkpoint.decode(block));
            }
        }
        return out;
    }

    /** The most recent signed checkpoint, if any. */
    public synchronized java.util.Optional<Checkpoint> latestCheckpoint() {
        return java.util.Optional.ofNullable(lastCheckpoint);
    }

    /** The id of the key that signs this log's checkpoints: one per log, so it names the log (for example to stores). */
    public String keyId() {
        return key.keyId();
    }

    public synchronized long size() {
        return tree.size();
    }

    public synchronized byte[] root(long size) {
        return tree.root(size);
    }

    public synchronized List<byte[]> inclusionProof(long index, long size) {
        return tree.inclusionProof(index, size);
    }

    public synchronized List<byte[]> consistencyProof(long oldSize, long newSize) {
        return tree.consistencyProof(oldSize, newSize);
    }

    public synchronized byte[] leafHash(long index) {
        return tree.leafHashAt(index);
    }

    /** The stored bytes of record {@code index}. */
    public byte[] record(long index) {
        long[] at;
        synchronized (this) {
            if (index < 0 || index >= locations.size()) {
                throw new IllegalArgumentException("no record " + index + "; the log has " + locations.size());
            }
            at = locations.get((int) index);
        }
        try (FileChannel ch = FileChannel.open(Segments.file(dir, (int) at[0]), StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(Segments.HEADER);
            ch.read(header, at[1]);
            header.flip();
            ByteBuffer body = ByteBuffer.allocate(header.getInt());
            while (body.hasRemaining()) {
                if (ch.read(body, at[1] + Segments.HEADER + body.position()) < 0) {
                    throw new IOException("record " + index + " is cut short");
                }
            }
            return body.array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit record " + index, e);
        }
    }

    /**
     * Closes as {@link #close()} does but signs no final checkpoint: for a writer that found the log does not hold
     * what it must (the cluster sequencer, when the files differ from the audit topic), which must not sign it.
     */
    public void closeUnsigned() {
        unsigned = true;
        close();
    }

    /** Writes everything queued, signs a final checkpoint and closes the files. */
    @Override
    public void close() {
        closing = true;
        queue.add(new Pending(null, new CompletableFuture<>()));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                if (failure == null && !unsigned && tree.size() > checkpointedSize) {
                    writeCheckpoint();
                }
                segment.close();
                lockFile.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the audit log cleanly", e);
            }
        }
    }
}
