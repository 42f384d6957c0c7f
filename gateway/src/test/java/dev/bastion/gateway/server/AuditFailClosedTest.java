package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-closed audit: while the audit log cannot be written (a full disk, injected), chat and admin requests are
 * refused with 503 and the gateway is not ready; once writing works again it resumes by itself.
 */
class AuditFailClosedTest {
    @TempDir
    Path dir;

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void requestsAreRefusedWhileTheAuditLogCannotBeWrittenAndServedAgainOnceItCan() throws Exception {
        try (FakeUpstream up = FakeUpstream.start();
                TestGateway g = TestGateway.start(dir, "models:\n" + TestGateway.model("m", up, "local"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            assertThat(g.post("/v1/chat/completions", key, TestGateway.chat("m", "hello", false)).status()).isEqualTo(200);
            assertThat(g.get("/readyz", null).status()).isEqualTo(200);

            g.gateway().auditLog().injectFaultForTesting(new IOException("No space left on device"));
            TestGateway.Reply withheld = g.post("/v1/chat/completions", key,
                    TestGateway.chat("m", "the write of this record fails", false));
            assertThat(withheld.status()).as("the answer waits for its record (audit.durability: sync)").isEqualTo(503);
            assertThat(withheld.body()).contains("audit_unavailable").doesNotContain("echo:");
            await(() -> !g.gateway().auditLog().writable());

            TestGateway.Reply refused = g.post("/v1/chat/completions", key, TestGateway.chat("m", "hello", false));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("audit_unavailable");
            assertThat(up.calls()).isEqualTo(2);
            assertThat(g.get("/readyz", null).status()).isEqualTo(503);
            assertThat(g.post("/admin/v1/keys", g.adminKey(), "{\"role\":\"user\",\"models\":[\"*\"]}").status())
                    .isEqualTo(503);
            assertThat(g.get("/metrics", null).body()).containsPattern("bastion_audit_append_failures_total [1-9]");

            g.gateway().auditLog().injectFaultForTesting(null);
            await(() -> g.gateway().auditLog().writable());
            assertThat(g.get("/readyz", null).status()).isEqualTo(200);
            assertThat(g.post("/v1/chat/completions", key, TestGateway.chat("m", "hello again", false)).status())
                    .isEqualTo(200);
        }
    }
}
