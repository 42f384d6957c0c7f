package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/models/{id}}: the model object for a model the key may use, a 404 for anything else. */
class ModelEndpointTest {
    @TempDir
    Path dir;

    @Test
    void aKeySeesTheModelsItMayUseAndNothingElse() {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, "models:\n" + TestGateway.model("team-model", up, "local")
                        + TestGateway.model("other-model", up, "cloud"))) {
            String key = g.createKey(Role.USER, "t", List.of("team-model"));
            TestGateway.Reply found = g.get("/v1/models/team-model", key);
            assertThat(found.status()).isEqualTo(200);
            assertThat(found.json().path("id").asText()).isEqualTo("team-model");
            assertThat(found.json().path("object").asText()).isEqualTo("model");
            assertThat(found.json().path("owned_by").asText()).isEqualTo("local");

            TestGateway.Reply notAllowed = g.get("/v1/models/other-model", key);
            assertThat(notAllowed.status()).isEqualTo(404);
            assertThat(notAllowed.body()).contains("model_not_found").doesNotContain("other-model");
            assertThat(g.get("/v1/models/no-such-model-xyz", key).body()).contains("model_not_found")
                    .doesNotContain("no-such-model-xyz");
            assertThat(g.get("/v1/models/team-model", null).status()).isEqualTo(401);
            assertThat(g.get("/v1/models/other-model", g.adminKey()).status()).isEqualTo(200);
        }
    }
}
