package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the gateway writes under its data directory is private to its user: files 0600, directories 0700,
 * including SQLite's side files, the audit log, and the keys. Checked while the gateway runs (when SQLite's -wal and
 * -shm files exist) and again after it stopped.
 */
class DataDirPermissionsTest {
    @TempDir
    Path dir;

    @Test
    void everyFileUnderTheDataDirIsOwnerOnlyWhileRunningAndAfterStop() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        List<String> seen;
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "audit:\n  checkpoint-every: 1\nmodels:\n"
                        + TestGateway.model("m", upstream, "local"))) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hello", false)).status()).isEqualTo(200);
            seen = assertOwnerOnly(dir.resolve("data"));
            assertThat(seen).contains("bastion.db", "admin.key", "keys", "audit");
            assertThat(seen).anyMatch(name -> name.startsWith("keys/subject-keys.db"));
            assertThat(seen).anyMatch(name -> name.startsWith("audit/segment-"));
        }
        List<String> afterStop = assertOwnerOnly(dir.resolve("data"));
        assertThat(afterStop).contains("audit/checkpoints.log", "keys/audit-signing.key", "keys/api-key-hash.json");
    }

    @Test
    void filesLeftWorldReadableByAnOlderVersionAreNarrowedAtStart() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path old = Files.writeString(data.resolve("notes.txt"), "left by an operator");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            assertThat(gateway.get("/healthz", null).status()).isEqualTo(200);
            assertOwnerOnly(data);
        }
    }

    /** Asserts the modes and returns the relative names seen, so the caller can check the walk found the files. */
    private static List<String> assertOwnerOnly(Path data) throws IOException {
        List<String> seen = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                String name = data.relativize(p).toString();
                String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                if (!mode.equals(expected)) {
                    wrong.add(name + " " + mode);
                }
                seen.add(name);
            }
        }
        assertThat(wrong).as("files or directories not owner-only").isEmpty();
        return seen;
    }
}
