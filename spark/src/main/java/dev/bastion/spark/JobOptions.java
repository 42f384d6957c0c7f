package dev.bastion.spark;

import dev.bastion.guard.pii.PiiMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The options of {@code bastion-spark redact}, parsed and checked: an unknown option, a missing value or a bad
 * combination is an {@link IllegalArgumentException} that names it.
 *
 * @param input the input file or directory (any Hadoop file system)
 * @param format how the input is read and the output written
 * @param output the output directory (must not exist)
 * @param spec what executors do
 * @param audit the audit log directory ({@code <data-dir>/audit}) that receives the job's record, if any
 * @param master the Spark master when not run by spark-submit ({@code local[*]} by default)
 */
public record JobOptions(String input, Format format, String output, RewriteSpec spec, Optional<Path> audit,
        Optional<String> master) {
    /** Input and output formats: columns of Parquet or CSV (with a header) files, or lines of text files. */
    public enum Format {
        PARQUET, CSV, TEXT;

        static Format of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "parquet" -> PARQUET;
                case "csv" -> CSV;
                case "txt", "text" -> TEXT;
                default -> throw new IllegalArgumentException("--format is parquet, csv or txt, got '" + name + "'");
            };
        }
    }

    static final String USAGE = """
            usage: bastion-spark redact --input PATH --output DIR [--format parquet|csv|txt] [--columns A,B]
                     [--operator redact|tag|mask|hash|pseudonymise] [--keep-last N] [--pii-mode balanced|recall]
                     [--keys DIR] [--vault JDBC-URL] [--audit DIR] [--master URL]
              --keys DIR   a Bastion data directory's keys folder: pii-hash.json (hash, pseudonymise) and
                           master-key.json (pseudonymise), created there when missing
              --vault URL  jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, the surrogate -> sealed original rows
              --audit DIR  a Bastion audit directory (<data-dir>/audit): the job's record goes to its inbox""";

    private static final Set<String> OPTIONS = Set.of("--input", "--output", "--format", "--columns", "--operator",
            "--keep-last", "--pii-mode", "--keys", "--vault", "--audit", "--master");

    public JobOptions {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(master, "master");
        if (format == Format.TEXT && !spec.columns().equals(List.of("value"))) {
            throw new IllegalArgumentException("text input has one column, value: leave --columns out");
        }
    }

    /** Parses {@code redact}'s arguments (after the word {@code redact}). */
    public static JobOptions parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'\n" + USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
            }
            if (values.put(name, args.get(++i)) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
        String input = required(values, "--input");
        String output = required(values, "--output");
        Format format = Format.of(values.containsKey("--format") ? values.get("--format") : extension(input));
        List<String> columns = format == Format.TEXT && !values.containsKey("--columns") ? List.of("value")
                : new ArrayList<>(Arrays.stream(required(values, "--columns").split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
        String operator = values.getOrDefault("--operator", "tag").strip().toLowerCase(Locale.ROOT).replace("pseudonymize",
                "pseudonymise");
        boolean keyed = operator.equals("hash") || operator.equals("pseudonymise");
        boolean pseudonymise = operator.equals("pseudonymise");
        Optional<Path> keys = Optional.ofNullable(values.get("--keys")).map(Path::of);
        if (keyed && keys.isEmpty()) {
            throw new IllegalArgumentException(operator + " needs --keys DIR (a data directory's keys folder)");
        }
        int keepLast;
        try {
            keepLast = Integer.parseInt(values.getOrDefault("--keep-last", "4"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--keep-last is a number of characters");
        }
        RewriteSpec spec = new RewriteSpec(columns, operator, keepLast,
                PiiMode.fromConfig(values.getOrDefault("--pii-mode", "balanced")),
                keyed ? keys.get().resolve("pii-hash.json").toAbsolutePath().toString() : "",
                pseudonymise ? keys.get().resolve("master-key.json").toAbsolutePath().toString() : "",
                values.getOrDefault("--vault", ""));
        return new JobOptions(input, format, output, spec, Optional.ofNullable(values.get("--audit")).map(Path::of),
                Optional.ofNullable(values.get("--master")));
    }

    private static String required(Map<String, String> values, String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required\n" + USAGE);
        }
        return v;
    }

    private static String extension(String input) {
        String name = Path.of(input).getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("cannot tell the format of " + input + " from its name: give --format");
        }
        return name.substring(dot + 1);
    }
}
