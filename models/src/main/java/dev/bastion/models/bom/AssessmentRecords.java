package dev.bastion.models.bom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assessment runs ({@code bastion assess --record-bom}) written into a model folder's CycloneDX ML-BOM
 * ({@value #FILE}), and read back for {@code model-security.require-assessment}. A run's metrics become
 * {@code modelCard.quantitativeAnalysis.performanceMetrics} (type {@code assessment:KIND:NAME}, with slice and
 * confidence interval); a fairness run's per-group metrics also become {@code modelCard.considerations
 * .fairnessAssessments}; its verdict becomes the property {@code bastion:assessment:KIND} (the latest run of a kind
 * replaces the earlier one's metrics). The BOM is trusted only as far as the folder's signature covers it: the
 * caller re-signs after recording, and the gate reads verdicts only from a verified folder. Stateless.
 */
public final class AssessmentRecords {
    /** The BOM's file name inside a model folder. */
    public static final String FILE = "bom.cdx.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One metric of a run.
     *
     * @param name metric name, e.g. {@code auc}
     * @param value its value
     * @param slice the rows or group it covers, or empty
     * @param ci the 95% interval {lower, upper}, or null
     */
    public record Metric(String name, double value, String slice, double[] ci) {
        public Metric {
            if (name == null || name.isBlank() || slice == null) {
                throw new IllegalArgumentException("a metric has a name and a (possibly empty) slice");
            }
            if (ci != null && ci.length != 2) {
                throw new IllegalArgumentException("an interval is {lower, upper}");
            }
        }
    }

    /** One assessment run: its kind, verdict (pass, warn or fail) and metrics. */
    public record Run(String kind, String verdict, List<Metric> metrics) {
        public Run {
            if (kind == null || !kind.matches("[a-z]+")) {
                throw new IllegalArgumentException("an assessment kind is a lower-case word");
            }
            if (!List.of("pass", "warn", "fail").contains(verdict)) {
                throw new IllegalArgumentException("a verdict is pass, warn or fail");
            }
            metrics = List.copyOf(metrics);
        }
    }

    private AssessmentRecords() {
    }

    /** {@code bomJson} with {@code run} recorded in its machine-learning-model component. */
    public static String record(String bomJson, Run run) throws IOException {
        ObjectNode bom = (ObjectNode) JSON.readTree(bomJson);
        ObjectNode model = modelComponent(bom).orElseThrow(() -> new IllegalArgumentException(
                "the BOM has no machine-learning-model component to record the assessment in"));
        ObjectNode card = model.has("modelCard") ? (ObjectNode) model.get("modelCard") : model.putObject("modelCard");
        ObjectNode qa = card.has("quantitativeAnalysis") ? (ObjectNode) card.get("quantitativeAnalysis")
                : card.putObject("quantitativeAnalysis");
        ArrayNode metrics = qa.has("performanceMetrics") ? (ArrayNode) qa.get("performanceMetrics")
                : qa.putArray("performanceMetrics");
        String prefix = "assessment:" + run.kind() + ":";
        removeIf(metrics, m -> m.path("type").asText().startsWith(prefix));
        for (Metric m : run.metrics()) {
            ObjectNode o = metrics.addObject();
            o.put("type", prefix + m.name());
            o.put("value", Double.toString(m.value()));
            if (!m.slice().isEmpty()) {
                o.put("slice", m.slice());
            }
            if (m.ci() != null) {
                o.putObject("confidenceInterval").put("lowerBound", Double.toString(m.ci()[0]))
                        .put("upperBound", Double.toString(m.ci()[1]));
            }
        }
        if (run.kind().equals("fairness")) {
            ObjectNode considerations = card.has("considerations") ? (ObjectNode) card.get("considerations")
                    : card.putObject("considerations");
            ArrayNode fa = considerations.putArray("fairnessAssessments");
            Map<String, List<String>> byGroup = new LinkedHashMap<>();
            for (Metric m : run.metrics()) {
                if (!m.slice().isEmpty()) {
                    byGroup.computeIfAbsent(m.slice(), g -> new ArrayList<>())
                            .add(m.name() + " " + Double.toString(m.value()));
                }
            }
            byGroup.forEach((group, lines) -> fa.addObject().put("groupAtRisk", group)
                    .put("harms", "bastion assess fairness (verdict " + run.verdict() + "): " + String.join(", ", lines)));
        }
        ArrayNode props = model.has("properties") ? (ArrayNode) model.get("properties") : model.putArray("properties");
        String key = "bastion:assessment:" + run.kind();
        removeIf(props, p -> p.path("name").asText().equals(key));
        props.addObject().put("name", key).put("value", run.verdict());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom);
    }

    /** The verdict recorded per assessment kind in {@code bomJson}. */
    public static Map<String, String> verdicts(String bomJson) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        modelComponent((ObjectNode) JSON.readTree(bomJson)).ifPresent(model -> {
            for (JsonNode p : model.path("properties")) {
                String name = p.path("name").asText();
                if (name.startsWith("bastion:assessment:")) {
                    out.put(name.substring("bastion:assessment:".length()), p.path("value").asText());
                }
            }
        });
        return out;
    }

    /** The kinds in {@code required} that {@code folder}'s BOM lacks a passing run of (all of them without a BOM). */
    public static List<String> missing(Path folder, List<String> required) throws IOException {
        Path bom = folder.resolve(FILE);
        Map<String, String> v = Files.isRegularFile(bom) ? verdicts(Files.readString(bom)) : Map.of();
        return required.stream().filter(k -> !"pass".equals(v.get(k))).toList();
    }

    private static Optional<ObjectNode> modelComponent(ObjectNode bom) {
        for (JsonNode c : bom.path("components")) {
            if ("machine-learning-model".equals(c.path("type").asText()) && c instanceof ObjectNode o) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static void removeIf(ArrayNode a, java.util.function.Predicate<JsonNode> drop) {
        for (int i = a.size() - 1; i >= 0; i--) {
            if (drop.test(a.get(i))) {
                a.remove(i);
            }
        }
    }
}
