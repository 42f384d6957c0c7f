package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoModelsTest {
    @TempDir
    Path dir;

    @Test
    void aGatewayWithNoModelTellsTheClientHowToGetOne() throws Exception {
        try (TestGateway gateway = TestGateway.start(dir, "")) {
            String key = gateway.createKey(Role.USER, "team", List.of("*"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.baseUrl() + "/chat/completions")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            JsonNode error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("model_not_found");
            assertThat(error.path("message").asText()).contains("bastion model pull").contains("models:");
        }
    }
}
