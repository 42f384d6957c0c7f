package dev.bastion.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis for the cluster tests. {@link #shared()} is the server {@code .ci/redis.sh} starts (it prints
 * BASTION_TEST_REDIS_URL); {@link #startOwn(Path)} starts a private {@code redis-server} that a test may kill.
 * Without them a test is skipped locally; under CI ({@code BASTION_TEST_REDIS=required}) it fails instead.
 */
public final class TestRedis implements AutoCloseable {
    private final URI url;
    private final Process process;

    private TestRedis(URI url, Process process) {
        this.url = url;
        this.process = process;
    }

    /** The server of {@code .ci/redis.sh}, or skips the calling test when there is none and CI does not need one. */
    public static TestRedis shared() {
        String url = System.getenv("BASTION_TEST_REDIS_URL");
        if (url == null) {
            skipOrFail("no Redis configured (BASTION_TEST_REDIS_URL); run eval \"$(.ci/redis.sh)\"");
        }
        return new TestRedis(URI.create(url), null);
    }

    /** Starts a private redis-server on a free loopback port, without persistence; close() kills it. */
    public static TestRedis startOwn(Path dir) {
        return startOwn(dir, freePort());
    }

    /** As above, on {@code port} (to start a server again where a killed one was), with more server arguments. */
    public static TestRedis startOwn(Path dir, int port, String... serverArgs) {
        if (!Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            skipOrFail("redis-server is not installed (apt-get install redis-server, or run .ci/redis.sh)");
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/redis-server", "--bind", "127.0.0.1",
                    "--port", Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            command.addAll(List.of(serverArgs));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
            TestRedis redis = new TestRedis(URI.create("redis://127.0.0.1:" + port), p);
            for (int i = 0; i < 100 && !redis.answers(); i++) {
                Thread.sleep(50);
            }
            assertThat(redis.answers()).as("redis-server on port " + port + " answers PING").isTrue();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI url() {
        return url;
    }

    public int port() {
        return url.getPort();
    }

    /** Kills the private server at once (SIGKILL), as a crash would. */
    public void kill() {
        if (process == null) {
            throw new IllegalStateException("the shared server is not the test's to kill");
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the server answers PING, over a raw socket. */
    public boolean answers() {
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            int n = s.getInputStream().readNBytes(reply, 0, 7);
            String answer = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return answer.equals("+PONG\r\n") || answer.startsWith("-NOAUTH"); // up, and asking for a password
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void skipOrFail(String why) {
        assertThat(System.getenv("BASTION_TEST_REDIS")).as("CI must run the Redis tests: " + why)
                .isNotEqualTo("required");
        Assumptions.abort(why);
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
