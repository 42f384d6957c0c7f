package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.gateway.testing.TestTls;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsAndEmbeddingsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsWhenAKeystoreIsConfigured() throws Exception {
        Path keystore = TestTls.selfSignedKeystore(dir);

        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "server:\n  tls:\n    keystore: server.p12\n"
                        + "    keystore-password-env: KS_PASS\nmodels:\n" + TestGateway.model("m", upstream, "local"),
                        Map.of("KS_PASS", TestTls.PASSWORD))) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trusting(keystore)).build();
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("m", "over tls", false))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("echo: over tls");
        }
    }

    @Test
    void embeddingsAreServedLocallyInFloatAndBase64() throws Exception {
        try (TestGateway gateway = TestGateway.start(dir, "")) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply r = gateway.post("/v1/embeddings", key,
                    "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"first text\",\"second text\"]}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode json = r.json();
            assertThat(json.path("data")).hasSize(2);
            assertThat(json.at("/data/1/index").asInt()).isEqualTo(1);
            assertThat(json.at("/data/0/embedding")).hasSize(384);
            assertThat(json.at("/usage/prompt_tokens").asInt()).isPositive();

            TestGateway.Reply b64 = gateway.post("/v1/embeddings", key,
                    "{\"model\":\"all-minilm-l6-v2\",\"input\":\"first text\",\"encoding_format\":\"base64\"}");
            assertThat(java.util.Base64.getDecoder().decode(b64.json().at("/data/0/embedding").asText())).hasSize(384 * 4);

            assertThat(gateway.post("/v1/embeddings", key, "{\"model\":\"all-minilm-l6-v2\",\"input\":[1,2]}").status()).isEqualTo(400);
            assertThat(gateway.post("/v1/embeddings", key, "{\"model\":\"other\",\"input\":\"x\"}").status()).isEqualTo(404);
            assertThat(gateway.post("/v1/embeddings", key, "{\"model\":\"all-minilm-l6-v2\",\"input\":\"\"}").status()).isEqualTo(400);
            assertThat(new ObjectMapper().readTree(gateway.get("/admin/v1/usage", gateway.adminKey()).body())
                    .at("/data/0/model").asText()).isEqualTo("all-minilm-l6-v2");
        }
    }
}
