package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local engine's limits seen from HTTP, with one slot and no queue: a second request while one runs gets 429
 * with Retry-After, and a client that hangs up mid-stream frees the slot at once (the generation stops).
 */
class LocalEngineLimitsTest {
    /** A tiny llama with a long context, so that one request can run long enough to overlap another. */
    static final TestModels.Shape SHAPE = new TestModels.Shape("llama", 256, 2, 4, 2, 512, 600, 4096, true, 0.1f);
    static final long SEED = 11;
    static final int LONG = 3000;

    @TempDir
    static Path dir;
    static LocalGatewayFixture local;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        local = LocalGatewayFixture.start(dir, "long", SHAPE, SEED,
                "  context-size: 4096\n  slots: 1\n  queue-depth: 0\n  threads: 1\n");
        gateway = local.gateway;
        key = local.key;
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    static LocalModel engine() {
        return local.engine();
    }

    static ObjectNode request(int maxTokens) {
        return local.request("go on for a while").put("max_tokens", maxTokens).put("temperature", 0);
    }

    static void awaitInFlight(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (engine().inFlight() != n) {
            assertThat(System.nanoTime()).as("waiting for %d request(s) in flight", n).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void aSecondRequestWhileTheOnlySlotIsBusyAndTheQueueIsZeroGets429WithRetryAfter() throws Exception {
        awaitInFlight(0, 5_000);
        long t0 = System.nanoTime();
        CompletableFuture<TestGateway.Reply> first = CompletableFuture.supplyAsync(
                () -> gateway.post("/v1/chat/completions", key, request(1000).toString()));
        awaitInFlight(1, 5_000);
        TestGateway.Reply second = gateway.post("/v1/chat/completions", key, request(1000).toString());
        boolean firstStillRunning = !first.isDone();

        assertThat(second.status()).as(second.body()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isPresent();
        assertThat(Integer.parseInt(second.header("Retry-After").orElseThrow())).isPositive();
        assertThat(second.json().path("error").path("message").asText()).contains("busy");
        TestGateway.Reply streamed = gateway.post("/v1/chat/completions", key, request(1000).put("stream", true)
                .toString());
        assertThat(streamed.status()).as("a streamed request is refused before its stream opens: " + streamed.body())
                .isEqualTo(429);
        assertThat(streamed.header("Retry-After")).isPresent();
        firstStillRunning &= !first.isDone();
        assertThat(firstStillRunning).as("the 429s came while the first request was generating").isTrue();
        TestGateway.Reply done = first.get(60, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().path("usage").path("completion_tokens").asInt()).isEqualTo(1000);
        System.out.println("[local-engine] 1000 tokens in " + millis + " ms");
    }

    @Test
    void aClientThatHangsUpMidStreamStopsTheGenerationAndFreesTheSlot() throws Exception {
        awaitInFlight(0, 5_000);
        ObjectNode body = request(LONG).put("stream", true);
        byte[] json = body.toString().getBytes(StandardCharsets.UTF_8);
        long hungUp;
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            int events = 0;
            for (String line = in.readLine(); line != null && events < 3; line = in.readLine()) {
                if (line.startsWith("data: ")) {
                    events++;
                }
            }
            assertThat(events).isEqualTo(3);
            assertThat(engine().inFlight()).as("still generating when the client hangs up").isEqualTo(1);
            hungUp = System.nanoTime();
        }
        awaitInFlight(0, 5_000);
        long freedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hungUp);

        TestGateway.Reply next = gateway.post("/v1/chat/completions", key, request(4).toString());
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.json().path("usage").path("completion_tokens").asInt()).isEqualTo(4);

        // The same answer in full, now that the code is warm: a hang-up must free the slot far sooner.
        long t0 = System.nanoTime();
        TestGateway.Reply full = gateway.post("/v1/chat/completions", key, request(LONG).toString());
        long fullMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(full.json().path("usage").path("completion_tokens").asInt()).isEqualTo(LONG);
        System.out.println("[local-engine] slot free " + freedMillis + " ms after the client hung up; the full "
                + LONG + "-token answer takes " + fullMillis + " ms");
        assertThat(freedMillis).as("ms to free the slot, against %d ms for the full answer", fullMillis)
                .isLessThan(fullMillis / 4);
    }
}
