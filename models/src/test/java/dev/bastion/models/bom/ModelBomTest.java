package dev.bastion.models.bom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBomTest {
    @TempDir
    Path dir;

    private static JsonNode property(JsonNode component, String name) {
        for (JsonNode p : component.path("properties")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("value");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aSignedModelFolderGetsASchemaValidMlBomWithHashesSignerAndMetadata() throws Exception {
        Path m = dir.resolve("tiny");
        Files.createDirectories(m);
        Files.write(m.resolve("model.safetensors"), safetensors());
        Files.writeString(m.resolve("config.json"), "{}");
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ML_DSA_65);
        Path sig = ModelSigning.defaultSignaturePath(m);
        ModelSigning.sign(m, k.getPrivate(), k.getPublic(), sig, List.of());
        var verification = ModelSigning.verify(m, sig, List.of(k.getPublic()), List.of());
        String bom = ModelBom.json(m, ModelScanner.scan(m), Optional.of(verification),
                Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
        assertThat(new JsonParser().validate(bom.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).isEmpty();
        JsonNode root = new ObjectMapper().readTree(bom);
        assertThat(root.path("specVersion").asText()).isEqualTo("1.6");
        JsonNode model = root.path("components").get(0);
        assertThat(model.path("type").asText()).isEqualTo("machine-learning-model");
        assertThat(property(model, "bastion:signature").asText()).isEqualTo("verified");
        assertThat(property(model, "bastion:signature:algorithm").asText()).isEqualTo("ml-dsa-65");
        assertThat(property(model, "bastion:model.safetensors:parameters").asText()).isEqualTo("4");
        assertThat(model.path("components")).extracting(n -> n.path("name").asText())
                .contains("config.json", "model.safetensors").doesNotContain("model.sig");
    }

    @Test
    void aDpTrainedModelCarriesItsPrivacyGuaranteeAndAccuracy() throws Exception {
        Path m = dir.resolve("model.json");
        Files.writeString(m, "{\"format\":\"bastion-dp-model/1\",\"test_accuracy\":0.85,\"privacy\":{\"epsilon\":\"1.0\","
                + "\"delta\":1e-5,\"accountant\":\"pld\",\"adjacency\":\"add or remove one example\"}}");
        String bom = ModelBom.json(m, ModelScanner.scan(m), Optional.empty(), Clock.systemUTC());
        assertThat(new JsonParser().validate(bom.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).isEmpty();
        JsonNode model = new ObjectMapper().readTree(bom).path("components").get(0);
        assertThat(property(model, "bastion:privacy:epsilon").asText()).isEqualTo("1.0");
        assertThat(property(model, "bastion:signature").asText()).isEqualTo("unsigned");
        assertThat(model.path("modelCard").path("quantitativeAnalysis").path("performanceMetrics").get(0)
                .path("value").asText()).isEqualTo("0.85");
    }

    private static byte[] safetensors() {
        byte[] h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }
}
