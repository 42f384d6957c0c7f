package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets a clear OpenAI-shaped error, and the server stays healthy afterwards. */
class BadInputTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "server:\n  read-timeout: 1s\n  idle-timeout: 2s\nmodels:\n" + TestGateway.model("m", upstream, "local"));
        key = gateway.createKey(Role.USER, "t", List.of("*"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void serverStaysHealthyAndUpstreamBehavesAgain() {
        assertThat(gateway.get("/healthz", null).status()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "still fine", false)).status())
                .isEqualTo(200);
    }

    private static JsonNode error(TestGateway.Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }

    @Test
    void malformedJsonIs400() {
        error(gateway.post("/v1/chat/completions", key, "{\"model\": \"m\", \"messages\": [}"), 400, "invalid_json");
    }

    @Test
    void wrongTypesAndMissingFieldsAre400NamingTheField() {
        JsonNode e = error(gateway.post("/v1/chat/completions", key, "{\"model\":\"m\",\"messages\":\"hello\"}"), 400,
                "invalid_messages");
        assertThat(e.path("param").asText()).isEqualTo("messages");
        error(gateway.post("/v1/chat/completions", key, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400,
                "invalid_model");
        error(gateway.post("/v1/chat/completions", key, "{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_temperature");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = TestGateway.chat("m", "caf\u00e9", false).getBytes(StandardCharsets.UTF_8);
        byte[] broken = Arrays.copyOf(body, body.length);
        int at = new String(body, StandardCharsets.ISO_8859_1).indexOf("caf") + 3;
        broken[at] = (byte) 0xc3;
        broken[at + 1] = (byte) 0x28;
        error(gateway.post("/v1/chat/completions", key, broken), 400, "invalid_utf8");
    }

    @Test
    void controlCharactersInAMessageAreRefusedByTheStructuralChecks() {
        JsonNode e = error(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "bell\u0007", false)), 400,
                "invalid_content");
        assertThat(e.path("message").asText()).contains("CONTROL_CHARACTER");
    }

    @Test
    void tenMegabyteBodyIs413() {
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        error(gateway.post("/v1/chat/completions", key, huge), 413, "request_too_large");
    }

    @Test
    void unknownModelIs404() {
        error(gateway.post("/v1/chat/completions", key, TestGateway.chat("nope", "x", false)), 404, "model_not_found");
    }

    @Test
    void missingWrongRevokedKeysAre401AndAuditorIs403() {
        error(gateway.post("/v1/chat/completions", null, TestGateway.chat("m", "x", false)), 401, "missing_api_key");
        error(gateway.post("/v1/chat/completions", "bsk_" + "A".repeat(43), TestGateway.chat("m", "x", false)), 401,
                "invalid_api_key");
        String doomed = gateway.createKey(Role.USER, "t", List.of("*"));
        assertThat(gateway.post("/v1/chat/completions", doomed, TestGateway.chat("m", "x", false)).status()).isEqualTo(200);
        String id = gateway.gateway().keys().list().getLast().id();
        assertThat(gateway.gateway().keys().revoke(id)).isTrue();
        error(gateway.post("/v1/chat/completions", doomed, TestGateway.chat("m", "x", false)), 401, "invalid_api_key");
        String auditor = gateway.createKey(Role.AUDITOR, "t", List.of("*"));
        error(gateway.post("/v1/chat/completions", auditor, TestGateway.chat("m", "x", false)), 403, "role_not_permitted");
    }

    @Test
    void unknownUrlIs404InOpenAiShape() {
        error(gateway.get("/v1/nothing-here", key), 404, "unknown_url");
    }

    @Test
    void upstreamThatHangsGives504() {
        upstream.mode(FakeUpstream.Mode.HANG);
        try {
            error(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "x", false)), 504, "upstream_timeout");
        } finally {
            upstream.mode(FakeUpstream.Mode.NORMAL);
        }
    }

    @Test
    void upstreamErrorsGive502WithoutUpstreamDetails() {
        upstream.mode(FakeUpstream.Mode.STATUS).status(500, "{\"error\":{\"message\":\"stack trace at db.internal:5432\"}}");
        try {
            JsonNode e = error(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "x", false)), 502, "upstream_error");
            assertThat(e.path("message").asText()).doesNotContain("db.internal");
            upstream.mode(FakeUpstream.Mode.GARBAGE);
            error(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "x", false)), 502, "upstream_bad_response");
        } finally {
            upstream.mode(FakeUpstream.Mode.NORMAL);
        }
    }

    @Test
    void upstreamThatDropsMidStreamEndsTheStreamWithAnErrorEvent() {
        upstream.mode(FakeUpstream.Mode.DROP_MID_STREAM).chunks(6);
        try {
            TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "a long answer here", true));
            assertThat(r.status()).isEqualTo(200);
            List<String> events = r.events();
            assertThat(events.getLast()).contains("\"error\"").contains("upstream_unavailable");
            assertThat(events).doesNotContain("[DONE]");
        } finally {
            upstream.mode(FakeUpstream.Mode.NORMAL).chunks(3);
        }
    }

    @Test
    void upstreamFailureBeforeTheStreamStartsIsAPlainHttpError() {
        upstream.mode(FakeUpstream.Mode.STATUS).status(500, "{}");
        try {
            TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "x", true));
            error(r, 502, "upstream_error");
        } finally {
            upstream.mode(FakeUpstream.Mode.NORMAL);
        }
    }

    @Test
    void slowClientThatStallsInItsHeadersIsDisconnected() throws Exception {
        assertDisconnected("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: app");
    }

    @Test
    void slowClientThatStallsInItsBodyIsDisconnected() throws Exception {
        assertDisconnected("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"model\":");
    }

    @Test
    void answersSlowerThanTheReadTimeoutAreNotCutOff() {
        upstream.delay(1200); // longer than server.read-timeout (1 s), shorter than the model's read-timeout (2 s)
        try {
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "slow", true)).events())
                    .contains("[DONE]");
            assertThat(gateway.get("/v1/models", key).status()).isEqualTo(200);
        } finally {
            upstream.delay(0);
        }
    }

    private static void assertDisconnected(String partialRequest) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // drain whatever the server sends before it closes
            }
            assertThat((System.nanoTime() - start) / 1_000_000L).isLessThan(5_000);
        }
    }

    @Test
    void slowClientThatStallsInItsRequestLineIsDisconnected() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /v1/chat/compl".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // drain whatever the server sends before it closes
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(seconds).isLessThan(8);
        }
    }
}
