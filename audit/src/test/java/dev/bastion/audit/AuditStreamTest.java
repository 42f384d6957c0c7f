package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.SigningKey;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditStreamTest {
    @TempDir
    Path dir;

    private Path log(int records) throws Exception {
        Path logDir = dir.resolve("log");
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
        // small segments, so the stream crosses segment files
        try (AuditLog log = AuditLog.open(logDir, key, "test-log", Clock.systemUTC(), 50, 4096)) {
            List<CompletableFuture<Long>> pending = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                pending.add(log.append(AuditLogTest.record(i)));
            }
            for (CompletableFuture<Long> f : pending) {
                f.get();
            }
        }
        return logDir;
    }

    @Test
    void everyPrefixHasTheTreeHeadTheInMemoryReaderComputesAndRecordsComeInOrder() throws Exception {
        Path logDir = log(301);
        assertThat(Segments.list(logDir)).as("the log spans several segments").hasSizeGreaterThan(2);
        AuditReader reader = AuditReader.open(logDir);
        for (long limit : new long[] {0, 1, 2, 3, 64, 65, 200, 301, 1000}) {
            List<Long> seen = new ArrayList<>();
            AuditStream.Result r = AuditStream.read(logDir, limit, (index, payload) -> {
                assertThat(payload).isEqualTo(reader.record(index));
                seen.add(index);
            });
            long expected = Math.min(limit, 301);
            assertThat(r.records()).isEqualTo(expected);
            assertThat(seen).hasSize((int) expected);
            assertThat(r.root()).as("root of the first %d records", expected).isEqualTo(reader.root(expected));
            assertThat(r.problem()).isEmpty();
        }
    }

    @Test
    void theLastCheckpointMatchesTheStreamedRootOfItsSize() throws Exception {
        Path logDir = log(120);
        Checkpoint last = AuditStream.checkpoints(logDir).getLast();
        AuditStream.Result r = AuditStream.read(logDir, last.size(), (i, p) -> { });
        assertThat(r.root()).isEqualTo(last.root());
    }

    @Test
    void aChangedByteStopsTheStreamAtTheDamagedFrameAndSaysWhere() throws Exception {
        Path logDir = log(10);
        Path first = Segments.file(logDir, 0);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = Files.size(first) / 2;
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 1)}), at);
        }
        AuditStream.Result r = AuditStream.read(logDir, Long.MAX_VALUE, (i, p) -> { });
        assertThat(r.records()).isLessThan(10);
        assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p).contains("segment-000000.log at byte"));
    }
}
