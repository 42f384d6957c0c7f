package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys over HTTP, the bootstrap admin key, rate limits and usage accounting. */
class AdminAndLimitsTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void firstStartWritesAnOwnerOnlyAdminKeyFile() throws Exception {
        Path file = dir.resolve("data/admin.key");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(gateway.adminKey()).startsWith("bsk_");
        assertThat(gateway.gateway().bootstrapAdminKey()).contains(file);
    }

    @Test
    void adminCreatesUsesRotatesAndRevokesKeysOverHttp() {
        TestGateway.Reply created = gateway.post("/admin/v1/keys", gateway.adminKey(),
                "{\"role\":\"user\",\"tenant\":\"lab\",\"models\":[\"m\"],\"expires_in\":\"1d\",\"label\":\"ci\"}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().path("key").asText();
        String id = created.json().path("id").asText();
        assertThat(created.json().path("expires_at").isNull()).isFalse();
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status()).isEqualTo(200);

        JsonNode listed = gateway.get("/admin/v1/keys", gateway.adminKey()).json();
        assertThat(listed.toString()).contains(id).doesNotContain(key).doesNotContain("hash");

        TestGateway.Reply rotated = gateway.post("/admin/v1/keys/" + id + "/rotate", gateway.adminKey(), "");
        assertThat(rotated.status()).isEqualTo(201);
        String newKey = rotated.json().path("key").asText();
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status()).isEqualTo(401);
        assertThat(gateway.post("/v1/chat/completions", newKey, TestGateway.chat("m", "hi", false)).status()).isEqualTo(200);

        String newId = rotated.json().path("id").asText();
        assertThat(gateway.post("/admin/v1/keys/" + newId + "/revoke", gateway.adminKey(), "").status()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", newKey, TestGateway.chat("m", "hi", false)).status()).isEqualTo(401);
        TestGateway.Reply again = gateway.post("/admin/v1/keys/" + newId + "/revoke", gateway.adminKey(), "");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().path("error").path("message").asText()).contains("'" + newId + "'");
        TestGateway.Reply odd = gateway.post("/admin/v1/keys/key%3Cscript%3E/revoke", gateway.adminKey(), "");
        assertThat(odd.status()).isEqualTo(404);
        assertThat(odd.json().path("error").path("message").asText()).as("an id of other characters is not echoed")
                .contains("(invalid id)").doesNotContain("script");
    }

    @Test
    void onlyAdminsManageKeysAndAuditorsReadUsage() {
        String user = gateway.createKey(Role.USER, "t", List.of("*"));
        String auditor = gateway.createKey(Role.AUDITOR, "t", List.of("*"));
        assertThat(gateway.get("/admin/v1/keys", user).status()).isEqualTo(403);
        assertThat(gateway.get("/admin/v1/keys", auditor).status()).isEqualTo(403);
        assertThat(gateway.post("/admin/v1/keys", auditor, "{\"role\":\"admin\"}").status()).isEqualTo(403);
        assertThat(gateway.get("/admin/v1/usage", auditor).status()).isEqualTo(200);
        assertThat(gateway.get("/admin/v1/usage", user).status()).isEqualTo(403);
        assertThat(gateway.post("/admin/v1/keys", gateway.adminKey(), "{\"role\":\"wizard\"}").status()).isEqualTo(400);
    }

    @Test
    void requestsPerMinuteLimitAnswers429WithRetryAfter() {
        String key = gateway.createKey(Role.USER, "limited", List.of("*"), new Limits(2, 0, 0));
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "1", false)).status()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "2", false)).status()).isEqualTo(200);
        TestGateway.Reply third = gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "3", false));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(third.json().at("/error/code").asText()).isEqualTo("rate_limit_requests_per_minute");
        assertThat(Integer.parseInt(third.header("retry-after").orElseThrow())).isBetween(1, 60);
    }

    @Test
    void concurrencyLimitRefusesTheSecondRequestInFlight() throws Exception {
        String key = gateway.createKey(Role.USER, "slow", List.of("*"), new Limits(0, 0, 1));
        upstream.delay(1500);
        try {
            int before = upstream.calls();
            CompletableFuture<TestGateway.Reply> first = CompletableFuture.supplyAsync(
                    () -> gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "a", false)));
            for (int i = 0; i < 200 && upstream.calls() == before; i++) {
                Thread.sleep(10); // until the first request is in flight (it holds the only slot)
            }
            TestGateway.Reply second = gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "b", false));
            assertThat(second.status()).isEqualTo(429);
            assertThat(second.json().at("/error/code").asText()).isEqualTo("rate_limit_concurrent_requests");
            assertThat(first.get().status()).isEqualTo(200);
        } finally {
            upstream.delay(0);
        }
    }

    @Test
    void usageIsCountedPerKeyAndTenantWithoutLosingConcurrentRequests() throws Exception {
        String key = gateway.createKey(Role.USER, "acct", List.of("*"));
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> gateway.post("/v1/chat/completions", key,
                    TestGateway.chat("m", "u", false)).status()));
        }
        for (CompletableFuture<Integer> c : calls) {
            assertThat(c.get()).isEqualTo(200);
        }
        JsonNode usage = gateway.get("/admin/v1/usage?tenant=acct", gateway.adminKey()).json();
        assertThat(usage.path("data")).hasSize(1);
        JsonNode row = usage.path("data").get(0);
        assertThat(row.path("requests").asLong()).isEqualTo(20);
        assertThat(row.path("prompt_tokens").asLong()).isEqualTo(20 * 11);
        assertThat(row.path("completion_tokens").asLong()).isEqualTo(20 * 7);
        assertThat(row.path("model").asText()).isEqualTo("m");
    }
}
