package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditReader;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway checks local models at startup: a tampered or unsigned model is refused, audited, and says why. */
class ModelSecurityTest {
    @TempDir
    Path dir;

    private static byte[] safetensors(byte last) {
        byte[] h = "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(new byte[] {1, 2, 3, last});
        return b.array();
    }

    @Test
    void tamperedAndUnsignedLocalModelsAreRefusedAndAuditedWhileTheSignedOneIsAdmitted() throws Exception {
        Path keys = ModelKeys.write(dir.resolve("keys"), SigningAlgorithm.ED25519).getParent();
        var priv = ModelKeys.readPrivate(keys.resolve(ModelKeys.PRIVATE_FILE));
        var pub = ModelKeys.readPublic(keys.resolve(ModelKeys.PUBLIC_FILE));
        for (String name : List.of("good", "tampered")) {
            Path m = dir.resolve(name + ".safetensors");
            Files.write(m, safetensors((byte) 4));
            ModelSigning.sign(m, priv, pub, ModelSigning.defaultSignaturePath(m), List.of());
        }
        Files.write(dir.resolve("tampered.safetensors"), safetensors((byte) 5));
        Files.write(dir.resolve("unsigned.safetensors"), safetensors((byte) 4));
        String yaml = """
                model-security:
                  require-signature: true
                  trusted-keys: [%s]
                models:
                  - {name: good, backend: local, path: %s}
                  - {name: tampered, backend: local, path: %s}
                  - {name: unsigned, backend: local, path: %s}
                """.formatted(keys.resolve(ModelKeys.PUBLIC_FILE), dir.resolve("good.safetensors"),
                dir.resolve("tampered.safetensors"), dir.resolve("unsigned.safetensors"));
        try (TestGateway g = TestGateway.start(dir, yaml)) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply good = g.post("/v1/chat/completions", key, TestGateway.chat("good", "hi", false));
            assertThat(good.status()).isEqualTo(503);
            // Admitted by the model gate, then refused by the engine, which runs GGUF files only.
            assertThat(good.body()).contains("cannot load good.safetensors: not a GGUF file").doesNotContain("refused");
            TestGateway.Reply tampered = g.post("/v1/chat/completions", key, TestGateway.chat("tampered", "hi", false));
            assertThat(tampered.status()).isEqualTo(503);
            assertThat(tampered.body()).contains("refused by the model-security check").contains("changed: .");
            TestGateway.Reply unsigned = g.post("/v1/chat/completions", key, TestGateway.chat("unsigned", "hi", false));
            assertThat(unsigned.body()).contains("not signed");
        }
        AuditReader audit = AuditReader.open(dir.resolve("data/audit"));
        StringBuilder all = new StringBuilder();
        for (long i = 0; i < audit.size(); i++) {
            all.append(new String(audit.record(i), StandardCharsets.UTF_8)).append('\n');
        }
        assertThat(all.toString()).contains("\"action\":\"model.admitted\"").contains("\"action\":\"model.refused\"")
                .contains("tampered: its signature does not verify");
    }

    @Test
    void underRequireAssessmentAModelFolderWithoutAPassingFairnessRunInItsSignedBomIsRefused() throws Exception {
        Path keys = ModelKeys.write(dir.resolve("keys"), SigningAlgorithm.ED25519).getParent();
        var priv = ModelKeys.readPrivate(keys.resolve(ModelKeys.PRIVATE_FILE));
        var pub = ModelKeys.readPublic(keys.resolve(ModelKeys.PUBLIC_FILE));
        for (String name : List.of("assessed", "unassessed")) {
            Path folder = Files.createDirectories(dir.resolve(name));
            Files.write(folder.resolve("m.safetensors"), safetensors((byte) 4));
            Path bom = folder.resolve(dev.bastion.models.bom.AssessmentRecords.FILE);
            Files.writeString(bom, dev.bastion.models.bom.ModelBom.json(folder,
                    dev.bastion.models.scan.ModelScanner.scan(folder), java.util.Optional.empty(),
                    java.time.Clock.systemUTC()));
            if (name.equals("assessed")) {
                Files.writeString(bom, dev.bastion.models.bom.AssessmentRecords.record(Files.readString(bom),
                        new dev.bastion.models.bom.AssessmentRecords.Run("fairness", "pass", List.of())));
            }
            ModelSigning.sign(folder, priv, pub, ModelSigning.defaultSignaturePath(folder), List.of());
        }
        String yaml = """
                model-security:
                  trusted-keys: [%s]
                  require-assessment: [fairness]
                models:
                  - {name: assessed, backend: local, path: %s}
                  - {name: unassessed, backend: local, path: %s}
                """.formatted(keys.resolve(ModelKeys.PUBLIC_FILE), dir.resolve("assessed"), dir.resolve("unassessed"));
        try (TestGateway g = TestGateway.start(dir, yaml)) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            TestGateway.Reply refused = g.post("/v1/chat/completions", key, TestGateway.chat("unassessed", "hi", false));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("refused by the model-security check")
                    .contains("lacks passing assessment runs of: fairness");
            TestGateway.Reply assessed = g.post("/v1/chat/completions", key, TestGateway.chat("assessed", "hi", false));
            assertThat(assessed.body()).doesNotContain("refused by the model-security check");
        }
    }
}
