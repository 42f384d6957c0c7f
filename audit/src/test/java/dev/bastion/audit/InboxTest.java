package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process that may not write the log (the CLI while a gateway runs) hands its records to the writer. */
class InboxTest {
    @TempDir
    Path dir;

    private SigningKey key() {
        return SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
    }

    private AuditLog open() {
        return AuditLog.open(dir.resolve("log"), key(), "test-log", Clock.systemUTC(), 1000);
    }

    private static void awaitSize(AuditLog log, long size) throws InterruptedException {
        for (int i = 0; i < 100 && log.size() < size; i++) {
            Thread.sleep(50);
        }
        assertThat(log.size()).isEqualTo(size);
    }

    @Test
    void aSecondWriterIsToldTheLogIsBusyAndItsDeliveredRecordsAreAppendedByTheWriter() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = open()) {
            log.append(AuditLogTest.record(0)).get();
            assertThatThrownBy(this::open).isInstanceOf(AuditLog.WriterBusyException.class);
            AuditLog.deliverToWriter(logDir, "{\"from\":\"cli\",\"n\":1}".getBytes(StandardCharsets.UTF_8));
            AuditLog.deliverToWriter(logDir, "{\"from\":\"cli\",\"n\":2}".getBytes(StandardCharsets.UTF_8));
            awaitSize(log, 3);
            assertThat(new String(log.record(1), StandardCharsets.UTF_8)).isEqualTo("{\"from\":\"cli\",\"n\":1}");
            assertThat(new String(log.record(2), StandardCharsets.UTF_8)).isEqualTo("{\"from\":\"cli\",\"n\":2}");
            for (int i = 0; i < 40 && Files.list(logDir.resolve("inbox")).findAny().isPresent(); i++) {
                Thread.sleep(50);
            }
            assertThat(Files.list(logDir.resolve("inbox"))).isEmpty();
        }
        assertThat(Verifier.verify(logDir, key().publicKeyX509(), Optional.empty()).records()).isEqualTo(3);
    }

    @Test
    void recordsDeliveredWhileNoWriterRunsAreAppendedAtItsNextStart() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = open()) {
            log.append(AuditLogTest.record(0)).get();
        }
        AuditLog.deliverToWriter(logDir, "{\"from\":\"cli\"}".getBytes(StandardCharsets.UTF_8));
        try (AuditLog log = open()) {
            awaitSize(log, 2);
        }
    }
}
