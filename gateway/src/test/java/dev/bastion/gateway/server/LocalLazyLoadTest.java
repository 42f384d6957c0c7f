package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.inference.BrokenModels;
import dev.bastion.inference.GgmlType;
import dev.bastion.inference.TestModels;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** local-engine.load: lazy: nothing is loaded at start; each model is checked and loaded on its first request. */
class LocalLazyLoadTest {
    @TempDir
    Path dir;

    static String audit(Path dir) throws Exception {
        AuditReader audit = AuditReader.open(dir.resolve("data/audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8)).append('\n');
        }
        return all.toString();
    }

    @Test
    void aLazyModelLoadsOnItsFirstRequestAndABrokenOneIsRefusedThen() throws Exception {
        Path healthy = TestModels.write(dir.resolve("healthy.gguf"), BrokenModels.SHAPE, GgmlType.Q8_0, 5);
        Path broken = BrokenModels.write(dir.resolve("broken.gguf"), BrokenModels.Flaw.TRUNCATED, 5);
        String yaml = "local-engine:\n  load: lazy\n  context-size: 64\n  threads: 1\n  max-tokens: 4\nmodels:\n"
                + "  - {name: healthy, backend: local, path: " + healthy + "}\n"
                + "  - {name: broken, backend: local, path: " + broken + "}\n";
        try (TestGateway g = TestGateway.start(dir, yaml)) {
            assertThat(audit(dir)).doesNotContain("model.loaded").doesNotContain("model.admitted")
                    .doesNotContain("model.refused");
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply first = g.post("/v1/chat/completions", key, TestGateway.chat("healthy", "hi", false));
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            TestGateway.Reply again = g.post("/v1/chat/completions", key, TestGateway.chat("healthy", "hi", true));
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            TestGateway.Reply bad = g.post("/v1/chat/completions", key, TestGateway.chat("broken", "hi", false));
            assertThat(bad.status()).isEqualTo(503);
            assertThat(bad.json().path("error").path("message").asText()).contains("'broken' cannot run")
                    .contains("broken.gguf");
        }
        String records = audit(dir);
        assertThat(records.split("model.loaded", -1)).hasSize(2); // loaded once, not once per request
        assertThat(records).contains("model.refused");
    }
}
