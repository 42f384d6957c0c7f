package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bastion serve} as a real process on this test JVM's class path, on a free port, and the base URL it printed
 * once ready. The caller stops it ({@link Process#destroy} is SIGTERM, {@link Process#destroyForcibly} SIGKILL).
 */
record ServedProcess(Process process, String base) {
    /**
     * Starts {@code serve --config config --data-dir dataDir --port 0} with {@code options} before those, its
     * standard error into {@code stderr}, and waits for its "listening" line.
     */
    static ServedProcess start(Path config, Path dataDir, Path stderr, String... options) throws IOException {
        return start(config, dataDir, stderr, java.util.Map.of(), options);
    }

    /** As above, with {@code env} added to the environment the process inherits. */
    static ServedProcess start(Path config, Path dataDir, Path stderr, java.util.Map<String, String> env,
            String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.bastion.app.Main",
                "serve"));
        command.addAll(List.of(options));
        command.addAll(List.of("--config", config.toString(), "--data-dir", dataDir.toString(), "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", Files.exists(stderr) ? Files.readString(stderr) : "")
                    .startsWith("listening http://127.0.0.1:");
            return new ServedProcess(process, line.substring("listening ".length()));
        } catch (IOException | RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
