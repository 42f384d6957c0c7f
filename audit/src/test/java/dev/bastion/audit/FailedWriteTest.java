package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write (a full disk) closes the log to appends; once writes work again the log repairs itself. */
class FailedWriteTest {
    @TempDir
    Path dir;

    private SigningKey key() {
        return SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
    }

    private static void awaitWritable(AuditLog log, boolean writable) throws InterruptedException {
        for (int i = 0; i < 100 && log.writable() != writable; i++) {
            Thread.sleep(50);
        }
        assertThat(log.writable()).as("writable").isEqualTo(writable);
    }

    @Test
    void aFailedWriteRefusesAppendsUntilWritesWorkAgainThenTheLogResumesWithNothingAcknowledgedLost() throws Exception {
        Path logDir = dir.resolve("log");
        try (AuditLog log = AuditLog.open(logDir, key(), "test-log", Clock.systemUTC(), 1000)) {
            for (int i = 0; i < 10; i++) {
                assertThat(log.append(AuditLogTest.record(i)).get()).isEqualTo(i);
            }
            log.injectFaultForTesting(new IOException("No space left on device"));
            assertThatThrownBy(() -> log.append(AuditLogTest.record(10)).get()).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("No space left");
            assertThat(log.writable()).isFalse();
            assertThatThrownBy(() -> log.append(AuditLogTest.record(11)).get()).hasMessageContaining("not writable");
            // The failed write left half a frame behind, as a full disk can.
            try (FileChannel ch = FileChannel.open(Segments.file(logDir, 0), StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 42, 1, 2, 3}));
            }
            Thread.sleep(1200);
            assertThat(log.writable()).as("still failing while the fault lasts").isFalse();

            log.injectFaultForTesting(null);
            awaitWritable(log, true);
            assertThat(log.append(AuditLogTest.record(12)).get()).isEqualTo(10);
            assertThat(log.size()).isEqualTo(11);
        }
        try (AuditLog reopened = AuditLog.open(logDir, key(), "test-log", Clock.systemUTC(), 1000)) {
            assertThat(reopened.size()).isEqualTo(11);
            assertThat(new String(reopened.record(10), java.nio.charset.StandardCharsets.UTF_8)).contains("\"n\":12");
        }
        Verifier.Report report = Verifier.verify(logDir, key().publicKeyX509(), Optional.empty());
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(11);
    }
}
