package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code bastion.assessment/v1} document (docs/schemas/bastion-assessment-v1.schema.json) as it is built:
 * metrics, curves and the verdict. Holds figures only, never a feature value.
 */
final class Assessment {
    static final String SCHEMA = "bastion.assessment/v1";

    /**
     * A {@code --fail-on} rule: {@code NAME[@AT][:SLICE][:ATTACK](>|<)VALUE}, for example {@code tpr@0.001>0.005}
     * (fail when the TPR at 0.1% FPR of any attack exceeds 0.5%) or {@code parity_difference<-0.1}.
     */
    record Rule(String text, String name, Double at, String slice, String attack, boolean greater, double limit) {
        static List<Rule> parse(String rules) {
            List<Rule> out = new ArrayList<>();
            if (rules == null || rules.isBlank()) {
                return out;
            }
            for (String raw : rules.split(",")) {
                String r = raw.strip();
                int op = Math.max(r.lastIndexOf('>'), r.lastIndexOf('<'));
                if (op <= 0 || op == r.length() - 1) {
                    throw new IllegalArgumentException("--fail-on rule '" + r + "' is not NAME[@AT][:SLICE][:ATTACK]>"
                            + "VALUE or <VALUE");
                }
                double limit;
                try {
                    limit = Double.parseDouble(r.substring(op + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--fail-on rule '" + r + "': the limit is not a number");
                }
                String[] parts = r.substring(0, op).strip().split(":");
                String name = parts[0];
                Double at = null;
                int a = name.indexOf('@');
                if (a > 0) {
                    at = Double.parseDouble(name.substring(a + 1));
                    name = name.substring(0, a);
                }
                out.add(new Rule(r, name, at, parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null,
                        r.charAt(op) == '>', limit));
            }
            return out;
        }

        boolean matches(JsonNode metric) {
            return metric.path("name").asText().equals(name)
                    && (at == null || (metric.has("at") && Math.abs(metric.path("at").asDouble() - at) < 1e-12))
                    && (slice == null || metric.path("slice").asText().equals(slice))
                    && (attack == null || metric.path("attack").asText().equals(attack));
        }
    }

    private final ObjectNode root = Json.MAPPER.createObjectNode();
    private final ArrayNode metrics;
    private final ArrayNode curves;
    private final ArrayNode rules;

    Assessment(String kind) {
        root.put("schema", SCHEMA);
        root.put("kind", kind);
        root.put("created", Instant.now().toString());
        root.putObject("data");
        root.putObject("options");
        metrics = root.putArray("metrics");
        curves = root.putArray("curves");
        ObjectNode verdict = root.putObject("verdict");
        verdict.put("result", "pass");
        rules = verdict.putArray("rules");
    }

    ObjectNode root() {
        return root;
    }

    ObjectNode data(Path file, int rows, Long splitSeed) throws IOException {
        ObjectNode d = root.putObject("data");
        d.put("sha256", dev.bastion.models.signing.Manifest.sha256(file));
        d.put("rows", rows);
        if (splitSeed != null) {
            d.put("split_seed", splitSeed);
        }
        return d;
    }

    ObjectNode options() {
        return (ObjectNode) root.get("options");
    }

    /** Adds a metric; NaN values are written as null (a rate with no denominator). */
    ObjectNode metric(String name, double value, double[] ci, String slice, Double at, String attack) {
        ObjectNode m = metrics.addObject();
        m.put("name", name);
        if (Double.isFinite(value)) {
            m.put("value", value);
        } else {
            m.putNull("value");
        }
        if (ci != null && Double.isFinite(ci[0]) && Double.isFinite(ci[1])) {
            m.putArray("ci").add(ci[0]).add(ci[1]);
        }
        if (slice != null) {
            m.put("slice", slice);
        }
        if (at != null) {
            m.put("at", at);
        }
        if (attack != null) {
            m.put("attack", attack);
        }
        return m;
    }

    /** Adds a curve, keeping at most {@code maxPoints} of its points (evenly spaced, both ends kept). */
    void curve(String name, String attack, String slice, double[] x, double[] y, int maxPoints) {
        ObjectNode c = curves.addObject();
        c.put("name", name);
        if (attack != null) {
            c.put("attack", attack);
        }
        if (slice != null) {
            c.put("slice", slice);
        }
        ArrayNode xs = c.putArray("x");
        ArrayNode ys = c.putArray("y");
        int step = Math.max(1, (x.length + maxPoints - 1) / maxPoints);
        for (int i = 0; i < x.length; i += step) {
            xs.add(x[i]);
            ys.add(y[i]);
        }
        if ((x.length - 1) % step != 0) {
            xs.add(x[x.length - 1]);
            ys.add(y[y.length - 1]);
        }
    }

    /** Records a rule the assessment itself applies (such as the epsilon bound); a broken one fails the run. */
    void rule(String rule, boolean broken, double value, String why) {
        ObjectNode r = rules.addObject();
        r.put("rule", rule);
        r.put("broken", broken);
        if (Double.isFinite(value)) {
            r.put("value", value);
        }
        r.put("why", why);
        if (broken) {
            ((ObjectNode) root.get("verdict")).put("result", "fail");
        }
    }

    /** Records a rule that is not met but does not fail the run: the verdict becomes "warn" unless it failed. */
    void warn(String rule, double value, String why) {
        ObjectNode r = rules.addObject();
        r.put("rule", rule);
        r.put("broken", false);
        if (Double.isFinite(value)) {
            r.put("value", value);
        }
        r.put("why", why);
        if (!failed()) {
            ((ObjectNode) root.get("verdict")).put("result", "warn");
        }
    }

    /** Applies {@code --fail-on} rules to every matching metric; a rule that matches no metric is bad input. */
    void apply(List<Rule> failOn) {
        for (Rule rule : failOn) {
            boolean matched = false;
            double worst = Double.NaN;
            boolean broken = false;
            for (JsonNode m : metrics) {
                if (rule.matches(m) && m.path("value").isNumber()) {
                    matched = true;
                    double v = m.path("value").asDouble();
                    boolean b = rule.greater() ? v > rule.limit() : v < rule.limit();
                    if (b || Double.isNaN(worst)) {
                        worst = v;
                    }
                    broken |= b;
                }
            }
            if (!matched) {
                throw new IllegalArgumentException("--fail-on rule '" + rule.text() + "' matches no metric of this "
                        + "assessment");
            }
            rule(rule.text(), broken, worst, broken ? "a metric is beyond the limit" : "every matching metric is "
                    + "within the limit");
        }
    }

    boolean failed() {
        return root.path("verdict").path("result").asText().equals("fail");
    }

    void write(Path json, Path html, String title) throws IOException {
        if (json != null) {
            Files.writeString(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
        if (html != null) {
            Files.writeString(html, AssessmentHtml.render(root, title));
        }
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }


}
