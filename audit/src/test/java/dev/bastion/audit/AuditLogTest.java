package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;

    private SigningKey key() {
        return SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
    }

    private AuditLog open(int checkpointEvery) {
        return AuditLog.open(dir.resolve("log"), key(), "test-log", Clock.systemUTC(), checkpointEvery);
    }

    static byte[] record(int i) {
        return ("{\"n\":" + i + ",\"outcome\":\"ok\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void concurrentAppendsGetDistinctIndicesAndSurviveReopening() throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        byte[] root;
        try (AuditLog log = open(100)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 250;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 250; i++) {
                        synchronized (futures) {
                            futures.add(log.append(record(base + i)));
                        }
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            Set<Long> indices = new HashSet<>();
            for (CompletableFuture<Long> f : futures) {
                indices.add(f.get());
            }
            assertThat(indices).hasSize(1000).allMatch(i -> i >= 0 && i < 1000);
            root = log.root(1000);
        }
        try (AuditLog again = open(100)) {
            assertThat(again.size()).isEqualTo(1000);
            assertThat(again.root(1000)).isEqualTo(root);
            long i = 17;
            assertThat(Proofs.verifyInclusion(i, 1000, MerkleTree.leafHash(again.record(i)), again.inclusionProof(i, 1000),
                    root)).isTrue();
        }
        Verifier.Report report = Verifier.verify(dir.resolve("log"), key().publicKeyX509(), Optional.empty());
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.records()).isEqualTo(1000);
        assertThat(report.checkpoints()).isGreaterThanOrEqualTo(1);
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void withACommitIntervalTheNextCommitWaitsForIt() throws Exception {
        try (AuditLog log = open(1000)) {
            log.commitAtMostEvery(java.time.Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(log.append(record(0)).get()).as("the first commit starts at once").isZero();
            List<CompletableFuture<Long>> next = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                next.add(log.append(record(i)));
            }
            CompletableFuture.allOf(next.toArray(CompletableFuture[]::new)).get();
            assertThat(System.nanoTime() - start).as("the second commit started an interval after the first")
                    .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300).toNanos());
            assertThat(next).allMatch(f -> f.join() >= 1 && f.join() <= 20);
            assertThat(log.size()).isEqualTo(21);
        }
    }

    @Test
    void aCommitIntervalOutsideZeroToOneSecondIsRefused() {
        try (AuditLog log = open(1000)) {
            assertThatThrownBy(() -> log.commitAtMostEvery(java.time.Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.commitAtMostEvery(java.time.Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void segmentsRotateAndRecordsReadBackAcrossThem() throws Exception {
        Path logDir = dir.resolve("rot");
        try (AuditLog log = AuditLog.open(logDir, key(), "rot", Clock.systemUTC(), 100, 4096)) {
            for (int i = 0; i < 600; i++) {
                log.append(record(i)).get();
            }
        }
        assertThat(Segments.list(logDir)).hasSizeGreaterThan(3);
        try (AuditLog log = AuditLog.open(logDir, key(), "rot", Clock.systemUTC(), 100, 4096)) {
            assertThat(log.size()).isEqualTo(600);
            assertThat(new String(log.record(0), StandardCharsets.UTF_8)).isEqualTo(new String(record(0), StandardCharsets.UTF_8));
            assertThat(new String(log.record(599), StandardCharsets.UTF_8)).isEqualTo(new String(record(599), StandardCharsets.UTF_8));
        }
        Verifier.Report report = Verifier.verify(logDir, key().publicKeyX509(), Optional.empty());
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        Files.delete(Segments.file(logDir, 1));
        assertThat(Verifier.verify(logDir, key().publicKeyX509(), Optional.empty()).problems())
                .anyMatch(p -> p.contains("segment-000001.log is missing"));
    }

    @Test
    void tornLastFrameIsCutOffAtOpenAndEarlierRecordsStay() throws Exception {
        try (AuditLog log = open(1)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i)).get();
            }
        }
        Path segment = Segments.file(dir.resolve("log"), 0);
        long before = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, '{', '"'}, StandardOpenOption.APPEND);
        try (AuditLog log = open(1)) {
            assertThat(log.size()).isEqualTo(5);
            assertThat(Files.size(segment)).isEqualTo(before);
            assertThat(log.append(record(5)).get()).isEqualTo(5);
        }
        assertThat(Verifier.verify(dir.resolve("log"), key().publicKeyX509(), Optional.empty()).ok()).isTrue();
    }

    @Test
    void checkpointTornByACrashIsCutOffAtOpen() throws Exception {
        try (AuditLog log = open(1)) {
            log.append(record(0)).get();
        }
        Path checkpoints = dir.resolve("log").resolve(AuditLog.CHECKPOINTS);
        Files.writeString(checkpoints, "bastion-audit-checkpoint/v1\norigin test-log\nsize 1", StandardOpenOption.APPEND);
        try (AuditLog log = open(1)) {
            assertThat(log.append(record(1)).get()).isEqualTo(1);
        }
        assertThat(Verifier.verify(dir.resolve("log"), key().publicKeyX509(), Optional.empty()).ok()).isTrue();
    }

    @Test
    void olderCheckpointProvesTheLogOnlyGrew() throws Exception {
        Checkpoint old;
        try (AuditLog log = open(1000)) {
            for (int i = 0; i < 7; i++) {
                log.append(record(i)).get();
            }
            old = log.checkpoint();
            for (int i = 7; i < 20; i++) {
                log.append(record(i)).get();
            }
        }
        Checkpoint decoded = Checkpoint.decode(old.encode());
        assertThat(decoded).isEqualTo(old);
        assertThat(decoded.verify(key().publicKeyX509())).isTrue();
        assertThat(Verifier.verify(dir.resolve("log"), key().publicKeyX509(), Optional.of(decoded)).ok()).isTrue();

        Checkpoint forged = Checkpoint.sign("test-log", 7, new byte[32], old.time(), key());
        assertThat(Verifier.verify(dir.resolve("log"), key().publicKeyX509(), Optional.of(forged)).problems())
                .anyMatch(p -> p.contains("not an extension"));
    }

    @Test
    void checkpointSignedByAnotherKeyIsReported() throws Exception {
        try (AuditLog log = open(1)) {
            log.append(record(0)).get();
        }
        SigningKey stranger = SigningKey.generate(SigningKey.Algorithm.ED25519);
        assertThat(Verifier.verify(dir.resolve("log"), stranger.publicKeyX509(), Optional.empty()).problems())
                .anyMatch(p -> p.contains("not the trusted key"));
    }

    @Test
    void oversizedRecordsAreRefusedAndAClosedLogRefusesAppends() {
        AuditLog log = open(10);
        assertThatThrownBy(() -> log.append(new byte[(1 << 20) + 1]).join()).hasMessageContaining("1 MiB");
        log.close();
        assertThatThrownBy(() -> log.append(record(1)).join()).hasMessageContaining("not writable");
    }

    @Test
    void mlDsaCheckpointsVerifyToo() throws Exception {
        SigningKey mldsa = SigningKey.loadOrCreate(dir.resolve("pq.key"), SigningKey.Algorithm.ML_DSA_65);
        try (AuditLog log = AuditLog.open(dir.resolve("pq"), mldsa, "pq-log", Clock.systemUTC(), 2)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i)).get();
            }
        }
        assertThat(Verifier.verify(dir.resolve("pq"), mldsa.publicKeyX509(), Optional.empty()).ok()).isTrue();
    }
}
