package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kind: embeddings} models of an OpenAI-compatible upstream on {@code /v1/embeddings}: forwarded with the
 * route's input controls, usage from the upstream's answer, audited; pseudonymisation, forced-local verdicts and
 * local-only routes refuse a cloud embeddings model instead of rewriting or moving the request.
 */
class UpstreamEmbeddingsTest {
    private static final String EMAIL = "maria.rossi@example.org";

    @TempDir
    Path dir;

    private static String yaml(FakeUpstream up, String routes) {
        return "models:\n" + TestGateway.model("embed-cloud", up, "cloud")
                + "    kind: embeddings\n    api-key-env: UP_KEY\n    upstream-model: text-embedding-up\n"
                + TestGateway.model("embed-here", up, "local") + "    kind: embeddings\n"
                + TestGateway.model("chat", up, "cloud") + routes;
    }

    private static List<JsonNode> auditRecords(Path dir) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        AuditReader reader = AuditReader.open(dir.resolve("data/audit"));
        for (long i = 0; i < reader.size(); i++) {
            records.add(new ObjectMapper().readTree(new String(reader.record(i), StandardCharsets.UTF_8)));
        }
        return records;
    }

    @Test
    void anUpstreamEmbeddingsModelIsForwardedWithItsUsageRecordedAndAudited() throws Exception {
        String text = "the quick brown fox jumps";
        try (FakeUpstream up = FakeUpstream.start().requireKey("sk-up")) {
            try (TestGateway g = TestGateway.start(dir, yaml(up, ""), Map.of("UP_KEY", "sk-up"))) {
                String key = g.createKey(Role.USER, "emb", List.of("*"));
                TestGateway.Reply r = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":["
                        + TestGateway.quote(text) + ",\"second\"],\"encoding_format\":\"float\",\"dimensions\":3}");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().path("model").asText()).isEqualTo("embed-cloud");
                assertThat(r.json().path("data")).hasSize(2);
                assertThat(r.json().at("/data/0/embedding/0").asDouble()).isEqualTo(text.length());
                assertThat(r.json().at("/usage/prompt_tokens").asInt()).isEqualTo(9);
                assertThat(r.header("x-bastion-route").orElseThrow()).contains("model=embed-cloud").contains("location=cloud");

                FakeUpstream.Received sent = up.received().getLast();
                assertThat(sent.path()).isEqualTo("/v1/embeddings");
                assertThat(sent.body().path("model").asText()).isEqualTo("text-embedding-up");
                assertThat(sent.body().path("dimensions").asInt()).isEqualTo(3);
                assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-up");

                // the upstream sends float arrays whatever it is asked; the client gets the encoding it asked for
                TestGateway.Reply b64 = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":\"abcd\","
                        + "\"encoding_format\":\"base64\"}");
                assertThat(b64.status()).as(b64.body()).isEqualTo(200);
                java.nio.ByteBuffer decoded = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(
                        b64.json().at("/data/0/embedding").asText())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                assertThat(decoded.remaining()).isEqualTo(3 * Float.BYTES);
                assertThat(decoded.getFloat()).isEqualTo(4.0f);
                assertThat(decoded.getFloat()).isEqualTo('a');

                JsonNode usage = new ObjectMapper().readTree(g.get("/admin/v1/usage", g.adminKey()).body());
                assertThat(usage.toString()).contains("embed-cloud");
                assertThat(g.get("/v1/models", key).body()).contains("embed-cloud");
            }
            JsonNode record = auditRecords(dir).stream().filter(x -> "embeddings".equals(x.path("endpoint").asText()))
                    .findFirst().orElseThrow();
            assertThat(record.path("served_by").asText()).isEqualTo("embed-cloud");
            assertThat(record.path("location").asText()).isEqualTo("cloud");
            assertThat(record.path("prompt_tokens").asInt()).isEqualTo(9);
            assertThat(record.toString()).doesNotContain("quick brown");
        }
    }

    @Test
    void valuesThePolicyWouldPseudonymiseForACloudModelRefuseTheRequestInsteadOfReachingIt() {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, yaml(up, ""), Map.of("UP_KEY", "k"))) {
            String key = g.createKey(Role.USER, "emb", List.of("*"));
            TestGateway.Reply cloud = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":\"write to "
                    + EMAIL + "\"}");
            assertThat(cloud.status()).isEqualTo(403);
            assertThat(cloud.json().at("/error/code").asText()).isEqualTo("pseudonymisation_not_possible");
            assertThat(cloud.body()).contains("EMAIL_ADDRESS").doesNotContain(EMAIL);
            assertThat(up.calls()).isZero();

            // pseudonymise-cloud does not apply on this machine: an upstream located here gets the text as written
            TestGateway.Reply here = g.post("/v1/embeddings", key, "{\"model\":\"embed-here\",\"input\":\"write to "
                    + EMAIL + "\"}");
            assertThat(here.status()).as(here.body()).isEqualTo(200);
            assertThat(up.received().getLast().body().path("input").asText()).contains(EMAIL);
        }
    }

    @Test
    void redactionsReachTheUpstreamAsTypeTagsAndSecretsAreBlocked() {
        String routes = """
                routes:
                  - name: redacting
                    input-scanners: [structure, secrets, pii]
                    actions: {EMAIL_ADDRESS: redact}
                """;
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, yaml(up, routes), Map.of("UP_KEY", "k"))) {
            String key = g.createKey(Role.USER, "emb", List.of("*"));
            TestGateway.Reply ok = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":[\"mail "
                    + EMAIL + " now\"]}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(up.received().getLast().body().path("input").toString()).contains("[EMAIL_ADDRESS]")
                    .doesNotContain(EMAIL);
            TestGateway.Reply secret = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":"
                    + "\"key AKIAIOSFODNN7EXAMPLF and ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\"}");
            assertThat(secret.status()).isEqualTo(403);
            assertThat(up.calls()).isEqualTo(1);
        }
    }

    @Test
    void aLocalOnlyRouteNeverSendsEmbeddingsToACloudModel() {
        String routes = """
                routes:
                  - name: private
                    local-only: true
                """;
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, yaml(up, routes), Map.of("UP_KEY", "k"))) {
            String key = g.createKey(Role.USER, "emb", List.of("*"));
            TestGateway.Reply cloud = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":\"hello\"}");
            assertThat(cloud.status()).isEqualTo(403);
            assertThat(cloud.json().at("/error/code").asText()).isEqualTo("local_processing_required");
            assertThat(up.calls()).isZero();
            TestGateway.Reply here = g.post("/v1/embeddings", key, "{\"model\":\"embed-here\",\"input\":\"hello\"}");
            assertThat(here.status()).as(here.body()).isEqualTo(200);
        }
    }

    @Test
    void chatAndEmbeddingsModelsAnswerOnlyTheirOwnEndpointAndUpstreamFailuresMapToGatewayErrors() {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, yaml(up, ""), Map.of("UP_KEY", "k"))) {
            String key = g.createKey(Role.USER, "emb", List.of("*"));
            TestGateway.Reply chatOnEmbeddings = g.post("/v1/chat/completions", key, TestGateway.chat("embed-cloud", "hi", false));
            assertThat(chatOnEmbeddings.status()).isEqualTo(400);
            assertThat(chatOnEmbeddings.body()).contains("/v1/embeddings");
            TestGateway.Reply embeddingsOnChat = g.post("/v1/embeddings", key, "{\"model\":\"chat\",\"input\":\"hi\"}");
            assertThat(embeddingsOnChat.status()).isEqualTo(400);
            assertThat(up.calls()).isZero();

            up.mode(FakeUpstream.Mode.STATUS).status(500, "{\"error\":{\"message\":\"boom\"}}");
            TestGateway.Reply failed = g.post("/v1/embeddings", key, "{\"model\":\"embed-cloud\",\"input\":\"hi\"}");
            assertThat(failed.status()).isEqualTo(502);
            assertThat(failed.json().at("/error/code").asText()).isEqualTo("upstream_error");

            String limited = g.createKey(Role.USER, "emb", List.of("chat"));
            assertThat(g.post("/v1/embeddings", limited, "{\"model\":\"embed-cloud\",\"input\":\"hi\"}").status()).isEqualTo(403);
        }
    }
}
