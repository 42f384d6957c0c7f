package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.audit.AuditReader;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request and admin action leaves one signed, verifiable audit record without any prompt text. */
class AuditTrailTest {
    @TempDir
    Path dir;

    @Test
    void requestsAndAdminActionsAreRecordedWithoutContentAndTheLogVerifies() throws Exception {
        String prompt = "prompt-text-that-must-not-be-logged";
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "cloud"))) {
            String key = gateway.createKey(Role.USER, "audit-tenant", List.of("*"));
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", prompt, false)).status()).isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", prompt, true)).status()).isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("nope", prompt, false)).status()).isEqualTo(404);
            assertThat(gateway.post("/admin/v1/keys", gateway.adminKey(), "{\"role\":\"user\"}").status()).isEqualTo(201);

            TestGateway.Reply answered = gateway.post("/v1/chat/completions", key, TestGateway.chat("m", prompt, false));
            String id = answered.header("x-request-id").orElseThrow();
            JsonNode explained = null;
            for (int attempt = 0; attempt < 50 && explained == null; attempt++) {
                TestGateway.Reply r = gateway.get("/admin/v1/requests/" + id, gateway.adminKey());
                if (r.status() == 200) {
                    explained = r.json();
                } else {
                    Thread.sleep(20); // the record is appended right after the answer is sent
                }
            }
            assertThat(explained).isNotNull();
            assertThat(explained.toString()).doesNotContain(prompt);
            assertThat(explained.path("explanation").toString()).contains("Input scanner structure found nothing")
                    .contains("Policy: allow").contains("Answered by m (cloud)");
            assertThat(explained.at("/record/controls/0/name").asText()).isEqualTo("structure");
            long index = explained.path("index").asLong();
            long size = explained.at("/proof/tree_size").asLong();
            java.util.List<byte[]> path = new ArrayList<>();
            explained.at("/proof/inclusion").forEach(h -> path.add(java.util.Base64.getDecoder().decode(h.asText())));
            assertThat(dev.bastion.audit.Proofs.verifyInclusion(index, size,
                    java.util.Base64.getDecoder().decode(explained.at("/proof/leaf_hash").asText()), path,
                    java.util.Base64.getDecoder().decode(explained.at("/proof/root").asText()))).isTrue();
            assertThat(gateway.get("/admin/v1/requests/req_unknown", gateway.adminKey()).status()).isEqualTo(404);
            assertThat(gateway.get("/admin/v1/requests/" + id, key).status()).isEqualTo(403);
        }
        Path log = dir.resolve("data/audit");
        List<JsonNode> records = new ArrayList<>();
        AuditReader reader = AuditReader.open(log);
        for (long i = 0; i < reader.size(); i++) {
            String text = new String(reader.record(i), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).doesNotContain(prompt).doesNotContain("bsk_");
            records.add(new ObjectMapper().readTree(text));
        }
        assertThat(records).hasSize(6);
        assertThat(records.getFirst().path("action").asText()).isEqualTo("gateway.start");
        JsonNode ok = records.stream().filter(r -> r.path("status").asInt() == 200).findFirst().orElseThrow();
        assertThat(ok.path("reason").asText()).isEqualTo("cloud model allowed by route");
        assertThat(ok.path("controls").toString()).contains("\"name\":\"structure\"").contains("\"name\":\"policy\"");
        assertThat(ok.path("type").asText()).isEqualTo("request");
        assertThat(ok.path("tenant").asText()).isEqualTo("audit-tenant");
        assertThat(ok.path("route").asText()).isEqualTo("default");
        assertThat(ok.path("served_by").asText()).isEqualTo("m");
        assertThat(ok.path("location").asText()).isEqualTo("cloud");
        assertThat(ok.path("decision").asText()).isEqualTo("allow");
        assertThat(ok.path("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(ok.path("request_id").asText()).startsWith("req_");
        JsonNode refused = records.stream().filter(r -> r.path("status").asInt() == 404).findFirst().orElseThrow();
        assertThat(refused.path("outcome").asText()).isEqualTo("model_not_found");
        assertThat(refused.path("model").isNull()).isTrue();
        assertThat(records).anySatisfy(r -> {
            assertThat(r.path("type").asText()).isEqualTo("admin");
            assertThat(r.path("action").asText()).isEqualTo("key.create");
        });

        Verifier.Report report = Verifier.verify(log, Verifier.readPublicKey(dir.resolve("data/keys/audit-signing.key.pub")),
                Optional.empty());
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        assertThat(report.records()).isEqualTo(6);
        assertThat(report.notes()).isEmpty();
    }
}
