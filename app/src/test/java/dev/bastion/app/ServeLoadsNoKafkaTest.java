package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without {@code cluster.kafka-bootstrap}, {@code bastion serve} loads no Kafka class: the audit topic's producer is
 * reached through one method that only runs when the key is set. Checked on the JVM's own class-loading log.
 */
class ServeLoadsNoKafkaTest {
    @TempDir
    Path dir;

    @Test
    void serveOnTheDefaultConfigLoadsNoKafkaClass() throws Exception {
        Path classes = dir.resolve("classes.log");
        Path config = Files.writeString(dir.resolve("bastion.yaml"), "server:\n  host: 127.0.0.1\n");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.bastion.app.Main", "serve", "--config", config.toString(),
                "--data-dir", dir.resolve("data").toString(), "--port", "0"))
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", Files.readString(dir.resolve("stderr.txt")))
                    .startsWith("listening http://127.0.0.1:");
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        String loaded = Files.readString(classes);
        assertThat(loaded).as("the log names the classes the gateway loaded").contains("dev.bastion.gateway.server.Gateway ");
        assertThat(loaded).doesNotContain("org.apache.kafka.").doesNotContain("dev.bastion.gateway.cluster.audit.");
    }
}
