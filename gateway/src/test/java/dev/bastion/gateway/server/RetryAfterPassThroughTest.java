package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate-limited upstream's {@code Retry-After} reaches the client unchanged (within one second and one hour), not
 * replaced by a fixed value. The upstream is a loopback server that answers every chat with 429.
 */
class RetryAfterPassThroughTest {
    @TempDir
    static Path dir;
    static HttpServer upstream;
    static TestGateway gateway;
    static String key;
    /** The Retry-After the fake upstream sends; empty sends none. */
    static final AtomicReference<Optional<String>> RETRY_AFTER = new AtomicReference<>(Optional.empty());
    static final AtomicInteger CALLS = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/v1/chat/completions", ex -> {
            CALLS.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            RETRY_AFTER.get().ifPresent(v -> ex.getResponseHeaders().add("Retry-After", v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(429, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        gateway = TestGateway.start(dir, "models:\n  - name: m\n    backend: openai\n    base-url: http://127.0.0.1:"
                + upstream.getAddress().getPort() + "/v1\n    location: local\n    read-timeout: 2s\n    max-retries: 1\n");
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.stop(0);
    }

    private static TestGateway.Reply chatWhileUpstreamSays(Optional<String> retryAfter) {
        RETRY_AFTER.set(retryAfter);
        return gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hello", false));
    }

    @Test
    void theUpstreamsRetryAfterReachesTheClientUnchanged() {
        TestGateway.Reply r = chatWhileUpstreamSays(Optional.of("7"));
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_rate_limited");
        assertThat(r.header("Retry-After")).contains("7");
        assertThat(chatWhileUpstreamSays(Optional.of("120")).header("Retry-After")).contains("120");
    }

    @Test
    void aRetryAfterLongerThanAnHourIsCutToAnHour() {
        assertThat(chatWhileUpstreamSays(Optional.of("86400")).header("Retry-After")).contains("3600");
    }

    @Test
    void anUpstreamWithoutAReadableRetryAfterGetsTheDefaultOfFiveSeconds() {
        assertThat(chatWhileUpstreamSays(Optional.empty()).header("Retry-After")).contains("5");
        assertThat(chatWhileUpstreamSays(Optional.of("soon")).header("Retry-After")).contains("5");
    }

    @Test
    void aLongRetryAfterIsPassedOnAtOnceNotWaitedOutByTheGateway() {
        int before = CALLS.get();
        long start = System.nanoTime();
        TestGateway.Reply r = chatWhileUpstreamSays(Optional.of("30"));
        assertThat(r.header("Retry-After")).contains("30");
        assertThat(CALLS.get() - before).isEqualTo(1);
        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(20);
    }
}
