package dev.bastion.models.bom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.models.scan.ScanReport;
import dev.bastion.models.signing.Manifest;
import dev.bastion.models.signing.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.ModelCard;
import org.cyclonedx.model.component.modelCard.ModelParameters;
import org.cyclonedx.model.component.modelCard.PerformanceMetric;
import org.cyclonedx.model.component.modelCard.QuantitativeAnalysis;

/**
 * A CycloneDX 1.6 ML-BOM for a model: one {@code machine-learning-model} component with its format, architecture,
 * parameter count, quantisation and licence (from the files' own metadata), its signature status and signer, and a
 * {@code file} component with the SHA-256 of every file. When the model is a Bastion DP-SGD model file, its test
 * accuracy and privacy guarantee go into the model card's quantitative analysis and properties.
 */
public final class ModelBom {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelBom() {
    }

    public static String json(Path model, ScanReport scan, Optional<VerificationReport> signature, Clock clock)
            throws IOException {
        List<String> ignores = new ArrayList<>(Manifest.DEFAULT_IGNORES);
        ignores.add(dev.bastion.models.signing.ModelSigning.DEFAULT_SIGNATURE);
        Manifest manifest = Manifest.of(model, ignores);
        Component c = new Component();
        c.setType(Component.Type.MACHINE_LEARNING_MODEL);
        c.setName(manifest.modelName());
        c.setBomRef("model:" + manifest.modelName());
        c.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, manifest.rootDigest())));
        List<Property> props = new ArrayList<>();
        props.add(new Property("bastion:model:root-digest", manifest.rootDigest()));
        props.add(new Property("bastion:scan", scan.safe() ? "passed" : "failed: " + scan.findings().size() + " findings"));
        scan.formats().forEach((file, format) -> props.add(new Property("bastion:format:" + file, format)));
        String architecture = null;
        String license = null;
        for (Map.Entry<String, Map<String, String>> e : scan.properties().entrySet()) {
            for (Map.Entry<String, String> p : e.getValue().entrySet()) {
                props.add(new Property("bastion:" + e.getKey() + ":" + p.getKey(), p.getValue()));
                if (p.getKey().equals("general.architecture")) {
                    architecture = p.getValue();
                }
                if (p.getKey().equals("general.license") || p.getKey().equals("license")) {
                    license = p.getValue();
                }
            }
        }
        props.add(new Property("bastion:signature", signature.map(r -> r.verified() ? "verified"
                : "invalid: " + String.join("; ", r.problems().stream().map(VerificationReport.Problem::describe)
                        .toList())).orElse("unsigned")));
        signature.flatMap(VerificationReport::signer).ifPresent(s -> props.add(new Property("bastion:signer", s)));
        signature.flatMap(VerificationReport::algorithm).ifPresent(a -> props.add(new Property("bastion:signature:algorithm",
                a.configName())));
        ModelCard card = new ModelCard();
        ModelParameters params = new ModelParameters();
        if (architecture != null) {
            params.setModelArchitecture(architecture);
            params.setArchitectureFamily(architecture);
        }
        card.setModelParameters(params);
        dpModel(model).ifPresent(dp -> {
            QuantitativeAnalysis qa = new QuantitativeAnalysis();
            PerformanceMetric accuracy = new PerformanceMetric();
            accuracy.setType("accuracy");
            accuracy.setValue(dp.path("test_accuracy").asText());
            accuracy.setSlice("held-out test split");
            qa.setPerformanceMetrics(List.of(accuracy));
            card.setQuantitativeAnalysis(qa);
            JsonNode p = dp.path("privacy");
            props.add(new Property("bastion:privacy:epsilon", p.path("epsilon").asText()));
            props.add(new Property("bastion:privacy:delta", p.path("delta").asText()));
            props.add(new Property("bastion:privacy:accountant", p.path("accountant").asText()));
            props.add(new Property("bastion:privacy:adjacency", p.path("adjacency").asText()));
        });
        c.setModelCard(card);
        c.setProperties(props);
        if (license != null) {
            LicenseChoice lc = new LicenseChoice();
            License l = new License();
            l.setName(license);
            lc.addLicense(l);
            c.setLicenses(lc);
        }
        for (Map.Entry<String, String> f : manifest.digests().entrySet()) {
            Component file = new Component();
            file.setType(Component.Type.FILE);
            file.setName(f.getKey().equals(".") ? manifest.modelName() : f.getKey());
            file.setBomRef("file:" + file.getName());
            file.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, f.getValue())));
            c.addComponent(file);
        }
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
        bom.setVersion(1);
        Metadata meta = new Metadata();
        meta.setTimestamp(Date.from(clock.instant()));
        bom.setMetadata(meta);
        bom.addComponent(c);
        try {
            return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString(true);
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot write the BOM: " + e.getMessage(), e);
        }
    }

    /** A Bastion DP-SGD model file (format bastion-dp-model/1), if {@code model} is one. */
    private static Optional<JsonNode> dpModel(Path model) {
        if (!Files.isRegularFile(model) || !model.toString().endsWith(".json")) {
            return Optional.empty();
        }
        try {
            if (Files.size(model) > 512L << 20) {
                return Optional.empty();
            }
            JsonNode n = JSON.readTree(model.toFile());
            return n != null && "bastion-dp-model/1".equals(n.path("format").asText()) ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
