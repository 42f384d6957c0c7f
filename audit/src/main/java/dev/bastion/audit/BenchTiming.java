package dev.bastion.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Bench-only attribution of where a request waits, switched on with {@code -Dbastion.timing=FILE} (off by
 * default). When on, the audit log takes {@link System#nanoTime()} at each append, at each group commit's start,
 * after its write, after its fsync and when its appends are acknowledged; the gateway adds the moment a waiting
 * request resumes ({@link #resumed(long)}) and the stream's hand-offs (its own {@link #series}). Every
 * {@code bastion.timing.every} seconds (default 5) a daemon thread appends one line per series to FILE (count, p50,
 * p90, p99, max and mean, in microseconds) and starts every series afresh, so a bench reads the slices it ran.
 *
 * <p>When off, {@link #ON} is a constant {@code false}: callers guard their clock reads with it and the JIT drops
 * them, so there is no clock read and no allocation. Thread-safe.
 */
public final class BenchTiming {
    /** The system property naming the file the figures are appended to; unset: off. */
    public static final String PROPERTY = "bastion.timing";
    /** Whether timing is on (read once, at class initialisation). */
    public static final boolean ON = System.getProperty(PROPERTY) != null;

    /** Records per ring: a waiter looks its record's times up by index. */
    private static final int RING = 1 << 16;
    private static final long[] QUEUED_AT = ON ? new long[RING] : null;
    private static final long[] ACKED_AT = ON ? new long[RING] : null;

    /** One distribution of durations in nanoseconds. Thread-safe. */
    public static final class Series {
        private long[] values = new long[1024];
        private int n;

        private Series() {
        }

        /** Adds one duration (nanoseconds); beyond 4 million values per slice, values are dropped. */
        public synchronized void add(long nanos) {
            if (n == values.length) {
                if (n >= 1 << 22) {
                    return; // a bench slice never gets here; a forgotten flag does not grow without bound
                }
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = nanos;
        }

        synchronized long[] takeAll() {
            long[] out = Arrays.copyOf(values, n);
            n = 0;
            return out;
        }
    }

    private static final Map<String, Series> SERIES = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Append to its group commit's start, for a record that arrived while the writer was idle: the writer's wake-up. */
    static final Series WRITER_WAKE = series("audit.1-writer-wake");
    /** Append to its group commit's start, for a record that arrived while a commit ran: the rest of that commit. */
    static final Series QUEUED = series("audit.1-queued-behind-commit");
    /** A group commit's write of its frames. */
    static final Series WRITE = series("audit.2-write");
    /** A group commit's fsync ({@code force}). */
    static final Series FSYNC = series("audit.3-fsync");
    /** After the fsync, to the first acknowledgement (Merkle tree, checkpoint, durability listeners). */
    static final Series AFTER_FSYNC = series("audit.4-after-fsync");
    /** A record's acknowledgement (its batch's) to the moment its waiting request resumes: the hand-off. */
    static final Series WAKE = series("audit.5-waiter-wake");
    /** A record's append to the moment its waiting request resumes: the whole wait. */
    static final Series TOTAL = series("audit.6-append-to-resumed");
    /** Records per group commit, reported as if microseconds (1 record = 1.0). */
    static final Series BATCH = series("audit.batch-records");

    static {
        if (ON) {
            Path file = Path.of(System.getProperty(PROPERTY));
            long every = Long.getLong(PROPERTY + ".every", 5);
            Thread.ofPlatform().daemon().name("bastion-bench-timing").start(() -> {
                while (true) {
                    try {
                        Thread.sleep(every * 1000);
                        Files.writeString(file, report(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
    }

    private BenchTiming() {
    }

    /** The series named {@code name}, created on first use; reported in name order. */
    public static Series series(String name) {
        return SERIES.computeIfAbsent(name, n -> new Series());
    }

    /**
     * A group commit's times, from the writer thread: each record's append time, when the writer last started
     * waiting for records, then the commit's clock readings.
     */
    static void committed(long firstIndex, long[] queuedAt, long idleSince, long start, long written, long synced,
            long acked) {
        for (int i = 0; i < queuedAt.length; i++) {
            (queuedAt[i] >= idleSince ? WRITER_WAKE : QUEUED).add(start - queuedAt[i]);
            int slot = (int) ((firstIndex + i) & (RING - 1));
            QUEUED_AT[slot] = queuedAt[i];
            ACKED_AT[slot] = acked;
        }
        WRITE.add(written - start);
        FSYNC.add(synced - written);
        AFTER_FSYNC.add(acked - synced);
        BATCH.add(queuedAt.length * 1000L);
    }

    /**
     * The request waiting for record {@code index} has resumed (called by the waiter once its append's future
     * returned, which orders this read after the writer's). Does nothing when timing is off.
     */
    public static void resumed(long index) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        int slot = (int) (index & (RING - 1));
        WAKE.add(now - ACKED_AT[slot]);
        TOTAL.add(now - QUEUED_AT[slot]);
    }

    /** One line per series, in microseconds, and every series started afresh. */
    static String report() {
        StringBuilder out = new StringBuilder();
        String time = java.time.Instant.now().toString();
        for (Map.Entry<String, Series> e : SERIES.entrySet()) {
            long[] v = e.getValue().takeAll();
            Arrays.sort(v);
            out.append(time).append(' ').append(e.getKey()).append(" n=").append(v.length);
            if (v.length > 0) {
                long sum = 0;
                for (long x : v) {
                    sum += x;
                }
                out.append(String.format(java.util.Locale.ROOT, " p50=%.1f p90=%.1f p99=%.1f max=%.1f mean=%.1f",
                        at(v, 0.50), at(v, 0.90), at(v, 0.99), v[v.length - 1] / 1e3, sum / 1e3 / v.length));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The nearest-rank quantile {@code q} of {@code sorted}, in microseconds. */
    static double at(long[] sorted, double q) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))] / 1e3;
    }
}
