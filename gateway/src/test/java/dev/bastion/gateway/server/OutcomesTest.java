package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of outcome a request can end in, through the real server: answered (whole and streamed), refused by
 * each control, failed upstream before the first byte, cut after it (upstream broke off, output blocked, client
 * gone). Each is checked for its status, the shape of its body and its audit record.
 */
class OutcomesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachOutcomeKindHasItsStatusBodyAndAuditRecord() throws Exception {
        Map<String, Expected> expected = new HashMap<>();
        try (FakeUpstream ok = FakeUpstream.start().answer("a plain and harmless answer").chunks(4);
                FakeUpstream down = FakeUpstream.start().mode(FakeUpstream.Mode.STATUS);
                FakeUpstream drop = FakeUpstream.start().mode(FakeUpstream.Mode.DROP_MID_STREAM).chunks(8);
                FakeUpstream leak = FakeUpstream.start().answer("the plan is called project zeus, as agreed").chunks(8);
                FakeUpstream slow = FakeUpstream.start().answer("word ".repeat(200)).chunks(100).chunkDelay(30);
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("ok", ok, "cloud")
                        + TestGateway.model("down", down, "cloud") + TestGateway.model("drop", drop, "cloud")
                        + TestGateway.model("leak", leak, "cloud") + TestGateway.model("slow", slow, "cloud") + """
                        routes:
                          - name: guarded
                            models: [leak]
                            input-scanners: [deny-list]
                            output-scanners: [deny-list]
                            deny-patterns: ["project zeus"]
                            actions: {DENY_LIST: block}
                          - name: open
                            models: ["*"]
                        """)) {
            String key = gateway.createKey(Role.USER, "t1", List.of("*"));

            // Answered, whole and streamed.
            TestGateway.Reply whole = gateway.post("/v1/chat/completions", key, TestGateway.chat("ok", "hello", false));
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.json().at("/choices/0/message/content").asText()).isEqualTo("a plain and harmless answer");
            expected.put(id(whole), new Expected(200, "ok", "open", true));
            TestGateway.Reply streamed = gateway.post("/v1/chat/completions", key, TestGateway.chat("ok", "hello", true));
            assertThat(streamed.status()).isEqualTo(200);
            assertThat(streamed.events()).last().isEqualTo("[DONE]");
            expected.put(id(streamed), new Expected(200, "ok", "open", true));

            // Refused: by authentication, role, parsing, the model lookup, the input policy and the rate limit.
            expectRefusal(gateway.post("/v1/chat/completions", null, TestGateway.chat("ok", "hi", false)), 401, expected, null);
            expectRefusal(gateway.post("/v1/chat/completions", "bst_not_a_key", TestGateway.chat("ok", "hi", false)), 401,
                    expected, null);
            String auditor = gateway.createKey(Role.AUDITOR, "t1", List.of("*"));
            expectRefusal(gateway.post("/v1/chat/completions", auditor, TestGateway.chat("ok", "hi", false)), 403,
                    expected, null);
            expectRefusal(gateway.post("/v1/chat/completions", key, "{\"model\":"), 400, expected, null);
            expectRefusal(gateway.post("/v1/chat/completions", key, TestGateway.chat("missing", "hi", false)), 404,
                    expected, null);
            expectRefusal(gateway.post("/v1/chat/completions", key, TestGateway.chat("leak", "about project zeus", false)),
                    403, expected, "guarded");
            String limited = gateway.createKey(Role.USER, "t2", List.of("*"), new Limits(1, 0, 0));
            assertThat(gateway.post("/v1/chat/completions", limited, TestGateway.chat("ok", "hi", false)).status()).isEqualTo(200);
            TestGateway.Reply limit = gateway.post("/v1/chat/completions", limited, TestGateway.chat("ok", "hi", false));
            expectRefusal(limit, 429, expected, null);
            assertThat(limit.header("Retry-After")).isPresent();

            // Output blocked on a whole answer: nothing of it goes out, a 403 like an input block.
            TestGateway.Reply blockedWhole = gateway.post("/v1/chat/completions", key, TestGateway.chat("leak", "hello", false));
            expectRefusal(blockedWhole, 403, expected, "guarded");
            assertThat(blockedWhole.json().at("/error/code").asText()).isEqualTo("output_blocked");
            assertThat(blockedWhole.body()).doesNotContain("zeus");

            // Failed: the upstream answered 500 before anything was sent.
            TestGateway.Reply failed = gateway.post("/v1/chat/completions", key, TestGateway.chat("down", "hello", true));
            assertThat(failed.status()).isBetween(500, 599);
            String failedCode = failed.json().at("/error/code").asText();
            assertThat(failedCode).isNotEmpty();
            expected.put(id(failed), new Expected(failed.status(), failedCode, "open", false));

            // Cut: the upstream broke off after the first bytes; the output policy stopped a stream part-way.
            TestGateway.Reply broken = gateway.post("/v1/chat/completions", key, TestGateway.chat("drop", "hello", true));
            assertThat(broken.status()).isEqualTo(200);
            assertThat(broken.events()).doesNotContain("[DONE]");
            String brokenCode = JSON.readTree(broken.events().getLast()).at("/error/code").asText();
            assertThat(brokenCode).isNotEmpty();
            expected.put(id(broken), new Expected(200, brokenCode, "open", false));
            TestGateway.Reply cut = gateway.post("/v1/chat/completions", key, TestGateway.chat("leak", "hello", true));
            assertThat(cut.status()).isEqualTo(200);
            assertThat(cut.events()).doesNotContain("[DONE]");
            assertThat(cut.body()).doesNotContainIgnoringCase("zeus");
            assertThat(JSON.readTree(cut.events().getLast()).at("/error/code").asText()).isEqualTo("output_blocked");
            expected.put(id(cut), new Expected(200, "output_blocked", "guarded", false));

            // Cut: the client went away part-way through a slow stream.
            expected.put(clientLeavesMidStream(gateway.port(), key), new Expected(200, "client_gone", "open", false));
        }
        Map<String, JsonNode> records = records();
        assertThat(records.keySet()).containsAll(expected.keySet());
        expected.forEach((requestId, e) -> {
            JsonNode r = records.get(requestId);
            assertThat(r.path("status").asInt()).as(requestId + " status").isEqualTo(e.status());
            assertThat(r.path("outcome").asText()).as(requestId + " outcome").isEqualTo(e.outcome());
            if (e.route() != null) {
                assertThat(r.path("route").asText()).as(requestId + " route").isEqualTo(e.route());
            }
            if (e.tokens()) {
                assertThat(r.path("completion_tokens").asLong()).as(requestId + " tokens").isPositive();
            }
            assertThat(r.path("endpoint").asText()).isEqualTo("chat.completions");
        });
    }

    private record Expected(int status, String outcome, String route, boolean tokens) {
    }

    private static String id(TestGateway.Reply reply) {
        return reply.header("x-request-id").orElseThrow();
    }

    /** A refusal: the status, OpenAI's error shape, and a record naming the error code. */
    private static void expectRefusal(TestGateway.Reply reply, int status, Map<String, Expected> expected, String route) {
        assertThat(reply.status()).isEqualTo(status);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("message").asText()).isNotEmpty();
        assertThat(error.path("code").asText()).isNotEmpty();
        expected.put(id(reply), new Expected(status, error.path("code").asText(), route, false));
    }

    /** Starts a streamed request over a raw socket, reads its first event, hangs up; returns the request id. */
    private static String clientLeavesMidStream(int port, String key) throws Exception {
        String body = TestGateway.chat("slow", "hello", true);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!seen.toString().contains("\"content\"")) {
                int n = in.read(buffer);
                assertThat(n).as("the stream started").isPositive();
                seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            Matcher m = Pattern.compile("(?i)x-request-id: (\\S+)").matcher(seen);
            assertThat(m.find()).isTrue();
            return m.group(1);
        }
    }

    private Map<String, JsonNode> records() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        AuditReader reader = AuditReader.open(dir.resolve("data/audit"));
        for (long i = 0; i < reader.size(); i++) {
            JsonNode r = JSON.readTree(reader.record(i));
            if (r.path("type").asText().equals("request")) {
                out.put(r.path("request_id").asText(), r);
            }
        }
        return out;
    }
}
