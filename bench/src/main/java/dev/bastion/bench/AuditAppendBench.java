package dev.bastion.bench;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Durable appends per second: Bastion's audit log against SQLite (WAL, synchronous=FULL) doing the same group
 * commit (one writer, one transaction per batch of queued records), with the same producers: N virtual threads,
 * each appending a typical gateway audit record and waiting until it is durable before the next.
 *
 * <p>Run: {@code bench/audit-append/run.sh [PRODUCERS] [SECONDS]}. Prints one RESULT line per target.
 */
public final class AuditAppendBench {
    static final byte[] RECORD = ("{\"v\":1,\"time\":\"2026-11-24T00:00:00Z\",\"type\":\"request\",\"endpoint\":\"chat.completions\","
            + "\"request_id\":\"req_0123456789abcdef01234567\",\"key_id\":\"key_0123456789abcdef\",\"tenant\":\"radiology\","
            + "\"route\":\"default\",\"model\":\"llama3\",\"served_by\":\"llama3\",\"location\":\"local\",\"decision\":\"allow\","
            + "\"findings\":{},\"status\":200,\"outcome\":\"ok\",\"prompt_tokens\":120,\"completion_tokens\":80,\"latency_us\":1234}")
            .getBytes(StandardCharsets.UTF_8);

    private AuditAppendBench() {
    }

    public static void main(String[] args) throws Exception {
        int producers = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir")), "audit-bench");
        for (int round = 1; round <= 3; round++) {
            try (AuditLog log = AuditLog.open(dir.resolve("log-" + round), SigningKey.generate(SigningKey.Algorithm.ED25519),
                    "bench", Clock.systemUTC(), 10_000)) {
                report("bastion", round, run(producers, seconds, log::append));
            }
            try (SqliteGroupCommit sqlite = new SqliteGroupCommit(dir.resolve("sqlite-" + round + ".db"))) {
                report("sqlite", round, run(producers, seconds, sqlite::append));
            }
        }
    }

    record Result(long records, double seconds, long p50Micros, long p99Micros) {
    }

    static void report(String target, int round, Result r) {
        System.out.printf("RESULT target=%s round=%d records=%d rps=%.0f p50_us=%d p99_us=%d%n", target, round, r.records(),
                r.records() / r.seconds(), r.p50Micros(), r.p99Micros());
    }

    static Result run(int producers, int seconds, Function<byte[], CompletableFuture<Long>> append) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder count = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < producers; p++) {
                long[] samples = new long[1 << 16];
                synchronized (latencies) {
                    latencies.add(samples);
                }
                threads.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        long t = System.nanoTime();
                        append.apply(RECORD).join();
                        samples[n++ & (samples.length - 1)] = (System.nanoTime() - t) / 1000;
                        count.increment();
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        return new Result(count.sum(), elapsed, all[all.length / 2], all[(int) (all.length * 0.99)]);
    }

    /** The peer: the same group commit over SQLite in WAL mode with synchronous=FULL. */
    static final class SqliteGroupCommit implements AutoCloseable {
        private record Pending(byte[] record, CompletableFuture<Long> done) {
        }

        private final Connection c;
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread writer;
        private volatile boolean closed;
        private long next;

        SqliteGroupCommit(Path file) throws Exception {
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, record BLOB NOT NULL)");
            }
            c.setAutoCommit(false);
            writer = Thread.ofPlatform().start(this::loop);
        }

        CompletableFuture<Long> append(byte[] record) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            queue.add(new Pending(record, done));
            return done;
        }

        private void loop() {
            List<Pending> batch = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit (record) VALUES (?)")) {
                while (!closed || !queue.isEmpty()) {
                    Pending first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, 50_000);
                    for (Pending p : batch) {
                        insert.setBytes(1, p.record());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    c.commit();
                    for (Pending p : batch) {
                        p.done().complete(next++);
                    }
                    batch.clear();
                }
            } catch (Exception e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
            }
        }

        @Override
        public void close() throws java.sql.SQLException {
            closed = true;
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.close();
        }
    }
}
