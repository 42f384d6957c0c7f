package dev.bastion.gateway.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4) and of OpenMetrics text, for tests: every line
 * must be a comment ({@code # HELP}, {@code # TYPE}, {@code # UNIT}, {@code # EOF}) or a sample
 * {@code name{label="value",...} number [timestamp] [# exemplar]}; label values are unescaped. A line that is
 * neither fails the parse, naming its number.
 */
public final class PrometheusText {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isEmpty() && n == lines.length - 1) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                if (parts.length != 4) {
                    throw new IllegalArgumentException("line " + (n + 1) + ": bad TYPE line: " + line);
                }
                types.put(parts[2], parts[3]);
            } else if (line.startsWith("# HELP ") || line.startsWith("# UNIT ") || line.equals("# EOF")) {
                continue;
            } else {
                samples.add(sample(line, n + 1));
            }
        }
        return new PrometheusText(List.copyOf(samples), Map.copyOf(types));
    }

    private static Sample sample(String line, int number) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("line " + number + ": no metric name: " + line);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                if (eq < 0) {
                    throw new IllegalArgumentException("line " + number + ": bad label: " + line);
                }
                String label = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        value.append(switch (e) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("line " + number + ": bad escape: " + line);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("line " + number + ": label repeated: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("line " + number + ": no value: " + line);
        }
        String rest = line.substring(i + 1);
        int exemplar = rest.indexOf(" # ");
        String[] fields = (exemplar >= 0 ? rest.substring(0, exemplar) : rest).split(" ");
        double value = switch (fields[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(fields[0]);
        };
        return new Sample(name, Map.copyOf(labels), value);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The type declared for a metric family ({@code counter}, {@code histogram}, ...). */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** The samples named {@code name} whose labels include every entry of {@code labels}. */
    public List<Sample> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())))).toList();
    }

    /** The value of the one sample named {@code name} with exactly these labels (plus none other). */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + labels + ", found " + found.size());
        }
        return found.getFirst().value();
    }
}
