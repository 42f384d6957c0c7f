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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose local models include broken files still starts; the healthy model answers, and each broken one
 * answers 503 with the reason it was refused (no stack trace, no prompt text), and each refusal is audited.
 */
class LocalBrokenModelsTest {
    static final String CANARY = "canary-prompt-7f3a91";

    @TempDir
    Path dir;

    /** What each broken model's 503 must say about its file. */
    static final Map<BrokenModels.Flaw, String> REASONS = new LinkedHashMap<>();

    static {
        REASONS.put(BrokenModels.Flaw.TRUNCATED, "runs past the end of the file");
        REASONS.put(BrokenModels.Flaw.RANDOM_BYTES, "not a GGUF file: magic at offset 0");
        REASONS.put(BrokenModels.Flaw.MISSING_TENSOR, "tensor blk.1.ffn_down.weight is missing");
        REASONS.put(BrokenModels.Flaw.WRONG_SHAPE, "blk.0.attn_q.weight has shape");
        REASONS.put(BrokenModels.Flaw.UNSUPPORTED_TENSOR_TYPE, "Q2_K");
        REASONS.put(BrokenModels.Flaw.VOCABULARY_MISMATCH, "599 rows");
        REASONS.put(BrokenModels.Flaw.UNSUPPORTED_ARCHITECTURE, "'mamba'");
    }

    static String name(BrokenModels.Flaw flaw) {
        return flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Test
    void brokenLocalModelsAnswer503WithTheReasonWhileTheGatewayAndTheHealthyModelRun() throws Exception {
        StringBuilder yaml = new StringBuilder("local-engine:\n  context-size: 64\n  threads: 1\n  max-tokens: 4\nmodels:\n");
        Path healthy = TestModels.write(dir.resolve("healthy.gguf"), BrokenModels.SHAPE, GgmlType.Q8_0, 5);
        yaml.append("  - {name: healthy, backend: local, path: ").append(healthy).append("}\n");
        for (BrokenModels.Flaw flaw : REASONS.keySet()) {
            Path file = BrokenModels.write(dir.resolve(name(flaw) + ".gguf"), flaw, 5);
            yaml.append("  - {name: ").append(name(flaw)).append(", backend: local, path: ").append(file).append("}\n");
        }
        List<String> refusals = new ArrayList<>();
        try (TestGateway g = TestGateway.start(dir, yaml.toString())) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply ok = g.post("/v1/chat/completions", key, TestGateway.chat("healthy", "hi", false));
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);

            for (Map.Entry<BrokenModels.Flaw, String> e : REASONS.entrySet()) {
                String model = name(e.getKey());
                for (boolean stream : new boolean[] {false, true}) {
                    TestGateway.Reply reply = g.post("/v1/chat/completions", key,
                            TestGateway.chat(model, "please answer " + CANARY, stream));
                    assertThat(reply.status()).as(model + ": " + reply.body()).isEqualTo(503);
                    String message = reply.json().path("error").path("message").asText();
                    assertThat(message).as(model).contains("'" + model + "' cannot run")
                            .contains(model + ".gguf").contains(e.getValue());
                    assertThat(reply.body()).as(model).doesNotContain(CANARY).doesNotContain("Exception")
                            .doesNotContain("\tat ").doesNotContain(dir.toString());
                    refusals.add(message);
                }
            }
        }
        AuditReader audit = AuditReader.open(dir.resolve("data/audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8)).append('\n');
        }
        for (BrokenModels.Flaw flaw : REASONS.keySet()) {
            assertThat(all.toString()).as(flaw.name()).containsPattern(
                    "\"action\":\"model.refused\".*" + java.util.regex.Pattern.quote(name(flaw) + ": "));
        }
        assertThat(all.toString()).contains("\"action\":\"model.loaded\"").doesNotContain(CANARY);
        assertThat(refusals).hasSize(2 * REASONS.size());
    }
}
