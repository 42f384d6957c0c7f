package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What the kill -9 tests send to a served gateway ("count me" to model {@code m}) and read back (its usage). */
final class UsageProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UsageProbe() {
    }

    /** One chat request to model {@code m}; a gateway in front of a FakeUpstream answers "echo: count me". */
    static HttpRequest chat(String base, String key) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}")).build();
    }

    /** The requests to model {@code m} the gateway's usage counts, over every key and day. */
    static long counted(HttpClient client, String base, String key) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/usage"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long requests = 0;
        for (JsonNode row : JSON.readTree(r.body()).path("data")) {
            if (row.path("model").asText().equals("m")) {
                requests += row.path("requests").asLong();
            }
        }
        return requests;
    }
}
