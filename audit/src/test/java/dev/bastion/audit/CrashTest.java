package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.SigningKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of appending: every acknowledged record is still there and the log verifies. */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void killedWriterLosesNoAcknowledgedRecord() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long lastAck = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seen = 0;
                while ((line = out.readLine()) != null && seen < 400 + round * 137) {
                    lastAck = Math.max(lastAck, Long.parseLong(line.substring(4)));
                    seen++;
                }
                p.destroyForcibly(); // SIGKILL: no shutdown hooks, no final checkpoint
                p.waitFor();
            }
            assertThat(lastAck).isGreaterThan(0);
            SigningKey key = SigningKey.load(dir.resolve("audit.key"));
            try (AuditLog log = AuditLog.open(dir.resolve("log"), key, "crash", Clock.systemUTC(), 50)) {
                assertThat(log.size()).as("round %d", round).isGreaterThan(lastAck);
            }
            Verifier.Report report = Verifier.verify(dir.resolve("log"), key.publicKeyX509(), Optional.empty());
            assertThat(report.ok()).as(report.problems().toString()).isTrue();
        }
    }
}
