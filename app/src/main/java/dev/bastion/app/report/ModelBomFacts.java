package dev.bastion.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.models.bom.AssessmentRecords;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ML-BOM facts of one configured local model ({@code models[i].path}): its signature as verified now under
 * {@code model-security.trusted-keys} (signer key id and algorithm, or what is wrong), and from the folder's CycloneDX
 * BOM ({@value AssessmentRecords#FILE}): the file's SHA-256, the model component's SHA-256, the signer the BOM
 * recorded, and the assessment verdicts recorded by {@code bastion assess --record-bom}. A BOM is trusted only as far
 * as a verified folder signature covers it, and the report says which. Immutable.
 *
 * @param index the model's position in {@code models}
 * @param signature "verified", "unsigned" or "does not verify: ..."
 * @param signer the key id that signed the folder (verified or not), when a signature is present
 * @param bomSha256 the SHA-256 of the BOM file, when there is one
 * @param modelSha256 the SHA-256 the BOM gives its model component (the folder's root digest)
 * @param bomSigner the {@code bastion:signer} property the BOM recorded
 * @param assessments kind to verdict ({@code pass}, {@code warn}, {@code fail}) recorded in the BOM
 * @param metrics the BOM's performance metrics count
 */
public record ModelBomFacts(int index, String name, String path, String signature, Optional<String> signer,
        Optional<String> bomSha256, Optional<String> modelSha256, Optional<String> bomSigner,
        SortedMap<String, String> assessments, int metrics) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelBomFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(signature, "signature");
        assessments = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(assessments));
    }

    /** The sources of a model's BOM statement: its config path and the BOM file by hash. */
    public List<Source> sources() {
        List<Source> s = new ArrayList<>(List.of(Source.config("models[" + index + "].path"),
                Source.config("model-security.trusted-keys")));
        bomSha256.ifPresent(h -> s.add(new Source(Source.Kind.MODEL, path + "/" + AssessmentRecords.FILE + " sha256 " + h)));
        return s;
    }

    /** Reads the facts of every local model with a path. Verifying a signature hashes the model's files. */
    public static List<ModelBomFacts> read(GatewayConfig config) throws IOException {
        List<PublicKey> trusted = new ArrayList<>();
        for (Path key : config.modelSecurity().trustedKeys()) {
            trusted.add(ModelKeys.readPublic(key));
        }
        List<ModelBomFacts> out = new ArrayList<>();
        for (int i = 0; i < config.models().size(); i++) {
            ModelSettings m = config.models().get(i);
            if (m.path().isPresent() && m.backend().equals(ModelSettings.LOCAL)) {
                out.add(of(i, m.name(), m.path().get(), trusted));
            }
        }
        return out;
    }

    static ModelBomFacts of(int index, String name, Path model, List<PublicKey> trusted) throws IOException {
        Path sig = ModelSigning.defaultSignaturePath(model);
        String signature = "unsigned";
        Optional<String> signer = Optional.empty();
        if (Files.exists(model) && Files.exists(sig)) {
            VerificationReport v = ModelSigning.verify(model, sig, trusted, List.of());
            signer = v.signer().map(s -> s + v.algorithm().map(a -> " (" + a.configName() + ")").orElse(""));
            signature = v.verified() ? "verified" : "does not verify: " + String.join("; ",
                    v.problems().stream().map(VerificationReport.Problem::describe).toList());
        } else if (!Files.exists(model)) {
            signature = "model missing";
        }
        Path bom = model.resolve(AssessmentRecords.FILE);
        if (!Files.isDirectory(model) || !Files.isRegularFile(bom)) {
            return new ModelBomFacts(index, name, model.toString(), signature, signer, Optional.empty(),
                    Optional.empty(), Optional.empty(), new TreeMap<>(), 0);
        }
        byte[] bytes = Files.readAllBytes(bom);
        String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        Optional<String> modelSha = Optional.empty();
        Optional<String> bomSigner = Optional.empty();
        int metrics = 0;
        for (JsonNode c : JSON.readTree(json).path("components")) {
            if ("machine-learning-model".equals(c.path("type").asText())) {
                for (JsonNode h : c.path("hashes")) {
                    if ("SHA-256".equals(h.path("alg").asText())) {
                        modelSha = Optional.of(h.path("content").asText());
                    }
                }
                for (JsonNode p : c.path("properties")) {
                    if ("bastion:signer".equals(p.path("name").asText())) {
                        bomSigner = Optional.of(p.path("value").asText());
                    }
                }
                metrics = c.path("modelCard").path("quantitativeAnalysis").path("performanceMetrics").size();
                break;
            }
        }
        Map<String, String> verdicts = AssessmentRecords.verdicts(json);
        return new ModelBomFacts(index, name, model.toString(), signature, signer, Optional.of(sha256(bytes)),
                modelSha, bomSigner, new TreeMap<>(verdicts), metrics);
    }

    /** One line of a report. */
    public String describe() {
        StringBuilder b = new StringBuilder("Local model " + name + " (" + path + "): signature " + signature
                + signer.map(s -> ", signer " + s).orElse("") + "; ");
        if (bomSha256.isEmpty()) {
            return b.append("no ML-BOM (" + AssessmentRecords.FILE + ") in its folder: bastion model bom writes one.")
                    .toString();
        }
        b.append("ML-BOM ").append(AssessmentRecords.FILE).append(" SHA-256 ").append(bomSha256.get());
        modelSha256.ifPresent(h -> b.append(", model SHA-256 ").append(h));
        bomSigner.ifPresent(s -> b.append(", signer recorded ").append(s));
        b.append(", assessments ").append(assessments.isEmpty() ? "none recorded" : String.join(", ",
                assessments.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        b.append(" (").append(metrics).append(" metrics)");
        b.append(signature.equals("verified") ? "; the BOM is covered by the verified signature."
                : "; the BOM is not covered by a verified signature.");
        return b.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
