package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zeros the writer lays down ahead of its frames (so that a group commit's fsync need not commit a new file
 * size): readers of a live log see exactly its records, a reopened log writes on after its last frame, a closed
 * segment is as long as its frames, and anything but zeros after a zero header is damage.
 */
class ZerosAheadTest {
    @TempDir
    Path dir;

    private SigningKey key() {
        return SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
    }

    private AuditLog open() {
        return AuditLog.open(dir.resolve("log"), key(), "test-log", Clock.systemUTC(), 1);
    }

    private static long framesLength(int records) {
        long total = 0;
        for (int i = 0; i < records; i++) {
            total += Segments.HEADER + AuditLogTest.record(i).length;
        }
        return total;
    }

    @Test
    void aLiveSegmentEndsInZerosThatEveryReaderStopsAt() throws Exception {
        Path logDir = dir.resolve("log");
        Path segment = Segments.file(logDir, 0);
        try (AuditLog log = open()) {
            for (int i = 0; i < 20; i++) {
                assertThat(log.append(AuditLogTest.record(i)).get()).isEqualTo(i);
            }
            assertThat(Files.size(segment)).as("zeros laid down ahead of the frames")
                    .isGreaterThanOrEqualTo(framesLength(20) + AuditLog.ZEROS_AHEAD / 2);

            Segments.Scan scan = Segments.scan(logDir, 0);
            assertThat(scan.clean()).as("%s", scan.problem()).isTrue();
            assertThat(scan.frames()).hasSize(20);
            assertThat(scan.validLength()).isEqualTo(framesLength(20));

            List<byte[]> streamed = new ArrayList<>();
            AuditStream.Result read = AuditStream.read(logDir, Long.MAX_VALUE, (index, payload) -> streamed.add(payload));
            assertThat(read.problem()).isEmpty();
            assertThat(read.records()).isEqualTo(20);
            assertThat(new String(streamed.get(19), StandardCharsets.UTF_8)).isEqualTo(
                    new String(AuditLogTest.record(19), StandardCharsets.UTF_8));
            assertThat(AuditReader.open(logDir).size()).isEqualTo(20);

            Verifier.Report report = Verifier.verify(logDir, key().publicKeyX509(), Optional.empty());
            assertThat(report.problems()).isEmpty();
            assertThat(report.records()).isEqualTo(20);
        }
        assertThat(Files.size(segment)).as("a closed segment is as long as its frames").isEqualTo(framesLength(20));
    }

    @Test
    void aLogLeftWithZerosAheadReopensAfterItsLastFrame() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = open()) {
            for (int i = 0; i < 5; i++) {
                log.append(AuditLogTest.record(i)).get();
            }
        }
        Path segment = Segments.file(logDir, 0);
        // What a crash leaves: the zeros ahead were durable, the file was never cut back to its frames.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), ch.size());
        }
        try (AuditLog log = open()) {
            assertThat(log.size()).isEqualTo(5);
            assertThat(log.append(AuditLogTest.record(5)).get()).isEqualTo(5);
            assertThat(new String(log.record(5), StandardCharsets.UTF_8)).contains("\"n\":5");
        }
        assertThat(Files.size(segment)).isEqualTo(framesLength(6));
        Verifier.Report report = Verifier.verify(logDir, key().publicKeyX509(), Optional.empty());
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(6);
    }

    @Test
    void dataAfterAZeroHeaderIsDamageThatReadersReportAndOpeningCutsFromTheLastSegment() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = open()) {
            for (int i = 0; i < 3; i++) {
                log.append(AuditLogTest.record(i)).get();
            }
        }
        Path segment = Segments.file(logDir, 0);
        long frames = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 1, 2}, StandardOpenOption.APPEND);

        Segments.Scan scan = Segments.scan(logDir, 0);
        assertThat(scan.problem()).contains("zero frame header at byte " + frames);
        assertThat(AuditStream.read(logDir, Long.MAX_VALUE, (index, payload) -> { }).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("zero frame header"));
        assertThat(Verifier.verify(logDir, key().publicKeyX509(), Optional.empty()).ok()).isFalse();

        try (AuditLog log = open()) {
            assertThat(log.size()).isEqualTo(3);
            assertThat(Files.size(segment)).as("cut off as a torn write is").isEqualTo(frames);
            assertThat(log.append(AuditLogTest.record(3)).get()).isEqualTo(3);
        }
        assertThat(Verifier.verify(logDir, key().publicKeyX509(), Optional.empty()).ok()).isTrue();
    }

    @Test
    void rotatedSegmentsKeepNoZerosAndTheLogVerifies() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = AuditLog.open(logDir, key(), "test-log", Clock.systemUTC(), 10, 200)) {
            for (int i = 0; i < 40; i++) {
                log.append(AuditLogTest.record(i)).get();
            }
            List<Integer> segments = Segments.list(logDir);
            assertThat(segments).hasSizeGreaterThan(2);
            for (int n : segments.subList(0, segments.size() - 1)) {
                Segments.Scan scan = Segments.scan(logDir, n);
                assertThat(scan.clean()).isTrue();
                assertThat(scan.fileLength()).as("segment %d", n).isEqualTo(scan.validLength());
            }
        }
        Verifier.Report report = Verifier.verify(logDir, key().publicKeyX509(), Optional.empty());
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(40);
    }

    @Test
    void anEmptyRecordIsRefusedBecauseItsHeaderWouldReadAsTheEnd() throws Exception {
        try (AuditLog log = open()) {
            assertThatThrownBy(() -> log.append(new byte[0]).get()).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("cannot be empty");
            assertThat(log.append(AuditLogTest.record(0)).get()).isZero();
        }
        assertThatThrownBy(() -> AuditLog.deliverToWriter(dir.resolve("log"), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be empty");
    }
}
