package dev.bastion.models.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.models.progress.Progress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullerTest {
    @TempDir
    Path dir;

    private final byte[] model = TestGguf.model(300_000, 7); // about 1.2 MB
    private FileServer server;
    private final Puller puller = new Puller(Puller.defaultClient(), Progress.NONE);

    @BeforeEach
    void start() throws Exception {
        server = new FileServer(model);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private PullRequest request(String path, String sha) {
        return new PullRequest(server.uri(path), sha, "tiny", dir.resolve("models"), false);
    }

    private String[] modelDirFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("models"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".partial")).sorted()
                    .toArray(String[]::new);
        }
    }

    @Test
    void aFileWithTheExpectedHashIsMovedIntoTheModelDirectoryWithASidecar() throws Exception {
        PullOutcome o = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(o).isInstanceOf(PullOutcome.Pulled.class);
        Path installed = dir.resolve("models/tiny.gguf");
        assertThat(Files.readAllBytes(installed)).isEqualTo(model);
        assertThat(Files.readString(dir.resolve("models/tiny.gguf.sha256"))).isEqualTo(sha256(model) + "  tiny.gguf\n");
        assertThat(modelDirFiles()).containsExactly("tiny.gguf", "tiny.gguf.sha256");
        assertThat(dir.resolve("models/.partial/tiny.gguf.part")).doesNotExist();
        assertThat(server.ranges).isEmpty();
    }

    @Test
    void aHashMismatchDeletesTheDownloadSaysBothHashesAndInstallsNothing() throws Exception {
        String wrong = "ab".repeat(32);
        PullOutcome o = puller.pull(request("/model.gguf", wrong));

        assertThat(o).isInstanceOf(PullOutcome.HashMismatch.class);
        assertThat(o.describe()).contains(wrong).contains(sha256(model));
        assertThat(modelDirFiles()).isEmpty();
        assertThat(dir.resolve("models/.partial/tiny.gguf.part")).doesNotExist();
    }

    @Test
    void aConnectionCutHalfWayIsResumedWithARangeRequestAndTheFileIsRight() throws Exception {
        int half = model.length / 2;
        server.cutAfter = half;
        PullOutcome first = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(first).isInstanceOfSatisfying(PullOutcome.Failed.class, f -> assertThat(f.partialKept()).isTrue());
        assertThat(first.describe()).contains("stopped after").contains("resume");
        long kept = Files.size(dir.resolve("models/.partial/tiny.gguf.part"));
        assertThat(kept).isPositive().isLessThanOrEqualTo(half);
        assertThat(modelDirFiles()).isEmpty();

        PullOutcome second = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(server.ranges).containsExactly("bytes=" + kept + "-");
        assertThat(server.ifRanges).containsExactly("\"v1\"");
        assertThat(second).isInstanceOfSatisfying(PullOutcome.Pulled.class,
                p -> assertThat(p.resumedFrom()).isEqualTo(kept));
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void aServerThatIgnoresRangeRestartsTheDownloadFromTheFirstByte() throws Exception {
        server.cutAfter = model.length / 3;
        assertThat(puller.pull(request("/model.gguf", sha256(model)))).isInstanceOf(PullOutcome.Failed.class);
        server.ignoreRange = true;

        PullOutcome o = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(server.ranges).hasSize(1);
        assertThat(o).isInstanceOfSatisfying(PullOutcome.Pulled.class, p -> {
            assertThat(p.resumedFrom()).isZero();
            assertThat(p.bytes()).isEqualTo(model.length);
        });
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void aFileChangedOnTheServerSinceThePartialStartedIsDownloadedAgainWhole() throws Exception {
        server.cutAfter = model.length / 2;
        puller.pull(request("/model.gguf", sha256(model)));
        byte[] v2 = TestGguf.model(300_000, 8);
        server.content = v2;
        server.etag = "\"v2\"";

        PullOutcome o = puller.pull(request("/model.gguf", sha256(v2)));

        assertThat(o).isInstanceOfSatisfying(PullOutcome.Pulled.class, p -> assertThat(p.resumedFrom()).isZero());
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(v2);
    }

    @Test
    void aPartialLongerThanTheFileNowIsAnsweredWith416AndRestarted() throws Exception {
        server.cutAfter = model.length - 100;
        puller.pull(request("/model.gguf", sha256(model)));
        byte[] shorter = TestGguf.model(1_000, 9);
        server.content = shorter; // same ETag, so only the range tells

        PullOutcome o = puller.pull(request("/model.gguf", sha256(shorter)));

        assertThat(o).isInstanceOf(PullOutcome.Pulled.class);
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(shorter);
    }

    @Test
    void notFoundAndServerErrorsAreClearFailuresThatInstallNothing() throws Exception {
        PullOutcome missing = puller.pull(request("/missing", sha256(model)));
        PullOutcome failing = puller.pull(request("/fail", sha256(model)));

        assertThat(missing.describe()).startsWith("HTTP 404 from " + server.uri("/missing")).contains("not found");
        assertThat(failing.describe()).startsWith("HTTP 500 from ").contains("the server failed");
        assertThat(((PullOutcome.Failed) missing).partialKept()).isFalse();
        assertThat(modelDirFiles()).isEmpty();
    }

    @Test
    void aRedirectIsFollowedToTheFile() throws Exception {
        PullOutcome o = puller.pull(request("/redirect", sha256(model)));

        assertThat(o).isInstanceOf(PullOutcome.Pulled.class);
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void aResumeThroughARedirectStillSendsTheRange() throws Exception {
        server.cutAfter = model.length / 2;
        puller.pull(request("/redirect", sha256(model)));
        long kept = Files.size(dir.resolve("models/.partial/tiny.gguf.part"));

        PullOutcome o = puller.pull(request("/redirect", sha256(model)));

        assertThat(server.ranges).containsExactly("bytes=" + kept + "-");
        assertThat(o).isInstanceOfSatisfying(PullOutcome.Pulled.class, p -> assertThat(p.resumedFrom()).isEqualTo(kept));
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void aFileThatIsNotGgufIsRefusedByTheScanEvenWithTheRightHash() throws Exception {
        byte[] noise = new byte[50_000];
        new Random(3).nextBytes(noise);
        server.content = noise;

        PullOutcome o = puller.pull(request("/model.gguf", sha256(noise)));

        assertThat(o).isInstanceOfSatisfying(PullOutcome.ScanRefused.class,
                r -> assertThat(r.format()).isNotEqualTo("gguf"));
        assertThat(o.describe()).contains("not a GGUF file");
        assertThat(modelDirFiles()).isEmpty();
    }

    @Test
    void aBrokenGgufIsRefusedWithTheScannersReason() throws Exception {
        byte[] broken = TestGguf.truncated();
        server.content = broken;

        PullOutcome o = puller.pull(request("/model.gguf", sha256(broken)));

        assertThat(o).isInstanceOf(PullOutcome.ScanRefused.class);
        assertThat(o.describe()).contains("runs past the end of the file");
        assertThat(modelDirFiles()).isEmpty();
    }

    @Test
    void aModelAlreadyInstalledWithTheSameHashIsNotDownloadedAgain() throws Exception {
        puller.pull(request("/model.gguf", sha256(model)));
        int before = server.requests;

        PullOutcome again = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(again).isInstanceOf(PullOutcome.AlreadyPresent.class);
        assertThat(server.requests).isEqualTo(before);
    }

    @Test
    void aSecondPullOfTheSameNameWhileOneRunsFailsAtOnce() throws Exception {
        Path lockFile = Files.createDirectories(dir.resolve("models/.partial")).resolve("tiny.gguf.lock");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = ch.lock()) {
            PullOutcome o = puller.pull(request("/model.gguf", sha256(model)));

            assertThat(held.isValid()).isTrue();
            assertThat(o.describe()).startsWith("another pull of tiny is running");
            assertThat(server.requests).isZero();
        }
    }

    /** A channel that takes {@code room} bytes and then fails as a full disk does. */
    private static java.nio.channels.WritableByteChannel filling(java.nio.channels.WritableByteChannel c, long room) {
        return new java.nio.channels.WritableByteChannel() {
            private long written;

            @Override
            public int write(java.nio.ByteBuffer b) throws java.io.IOException {
                if (written + b.remaining() > room) {
                    throw new java.io.IOException("No space left on device");
                }
                int n = c.write(b);
                written += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return c.isOpen();
            }

            @Override
            public void close() throws java.io.IOException {
                c.close();
            }
        };
    }

    @Test
    void aFullDiskKeepsThePartialForAResumeAndLeavesTheModelDirectoryAlone() throws Exception {
        Puller full = new Puller(Puller.defaultClient(), Progress.NONE, c -> filling(c, 300_000),
                java.time.Duration.ofSeconds(60));

        PullOutcome o = full.pull(request("/model.gguf", sha256(model)));

        assertThat(o).isInstanceOfSatisfying(PullOutcome.Failed.class, f -> assertThat(f.partialKept()).isTrue());
        assertThat(o.describe()).contains("No space left on device").contains("is the disk full?").contains("resume");
        assertThat(modelDirFiles()).isEmpty();
        long kept = Files.size(dir.resolve("models/.partial/tiny.gguf.part"));
        assertThat(kept).isPositive().isLessThanOrEqualTo(300_000);

        PullOutcome resumed = puller.pull(request("/model.gguf", sha256(model)));

        assertThat(resumed).isInstanceOfSatisfying(PullOutcome.Pulled.class,
                p -> assertThat(p.resumedFrom()).isEqualTo(kept));
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void aConnectionThatStallsIsGivenUpAfterTheIdleTimeoutAndCanBeResumed() throws Exception {
        server.stallAfter = model.length / 2;
        Puller impatient = new Puller(Puller.defaultClient(), Progress.NONE, c -> c, java.time.Duration.ofMillis(300));

        long start = System.nanoTime();
        PullOutcome o = impatient.pull(request("/model.gguf", sha256(model)));

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
        assertThat(o).isInstanceOfSatisfying(PullOutcome.Failed.class, f -> assertThat(f.partialKept()).isTrue());
        assertThat(o.describe()).contains("no data from 127.0.0.1 for 300 ms after");
        server.release.countDown();
        assertThat(puller.pull(request("/model.gguf", sha256(model)))).isInstanceOf(PullOutcome.Pulled.class);
        assertThat(Files.readAllBytes(dir.resolve("models/tiny.gguf"))).isEqualTo(model);
    }

    @Test
    void anUnreachableServerIsAFailureNamingTheUrl() throws Exception {
        URI closed = server.uri("/model.gguf");
        server.close();

        PullOutcome o = puller.pull(new PullRequest(closed, sha256(model), "tiny", dir.resolve("models"), false));

        assertThat(o.describe()).startsWith("cannot fetch " + closed);
    }

    @Test
    void plainHttpIsRefusedExceptToLoopbackOrWhenAllowed() {
        URI remote = URI.create("http://models.example.com/m.gguf");
        String sha = "00".repeat(32);

        assertThatThrownBy(() -> new PullRequest(remote, sha, "m", dir, false))
                .hasMessageContaining("refusing plain http to models.example.com");
        assertThat(new PullRequest(remote, sha, "m", dir, true).url()).isEqualTo(remote);
        assertThat(new PullRequest(URI.create("http://[::1]:8080/m.gguf"), sha, "m", dir, false)).isNotNull();
        assertThatThrownBy(() -> new PullRequest(URI.create("ftp://h/m.gguf"), sha, "m", dir, true))
                .hasMessageContaining("only https");
    }

    @Test
    void badHashesAndNamesAreRefusedSayingWhatIsExpected() {
        URI u = URI.create("https://h/m.gguf");
        assertThatThrownBy(() -> new PullRequest(u, "abc", "m", dir, false))
                .hasMessageContaining("64 hexadecimal digits, got 'abc'");
        assertThatThrownBy(() -> new PullRequest(u, "00".repeat(32), "../evil", dir, false))
                .hasMessageContaining("model name '../evil'");
        assertThat(PullRequest.nameFrom(URI.create("https://h/a/Llama-3.2-1B-Instruct-Q4_K_M.gguf?download=true")))
                .isEqualTo("Llama-3.2-1B-Instruct-Q4_K_M");
        assertThat(new PullRequest(u, "AB".repeat(32), "m", dir, false).sha256()).isEqualTo("ab".repeat(32));
    }
}
