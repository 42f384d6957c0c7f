package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.guard.secrets.SecretsScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion eval ...}: measure scanners on labelled data read from a path (nothing third-party is bundled). */
@Command(name = "eval", description = "Measure a scanner on labelled data.", subcommands = {EvalCommand.Secrets.class, InjectionCommands.Eval.class, PiiEval.class, ClinicalEval.class,
                ValidatorEval.class})
final class EvalCommand {

    @Command(name = "secrets", description = "Recall and false positives of the secrets scanner on rule example files "
            + "(YAML with rules[].examples and rules[].negative_examples, as in Nosey Parker's rule set).")
    static final class Secrets implements Callable<Integer> {
        @Option(names = "--rules-examples", required = true, paramLabel = "DIR", description = "Folder of rule YAML files.")
        Path dir;

        @Option(names = "--per-rule", description = "Print recall for every rule file.")
        boolean perRule;

        @Override
        public Integer call() throws IOException {
            SecretsScanner scanner = SecretsScanner.builtIn();
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            Map<String, int[]> byFile = new TreeMap<>();
            int positives = 0;
            int found = 0;
            int negatives = 0;
            int flagged = 0;
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
            }
            for (Path file : files) {
                JsonNode root = yaml.readTree(file.toFile());
                int[] counts = new int[4];
                for (JsonNode rule : root.path("rules")) {
                    for (JsonNode example : rule.path("examples")) {
                        counts[0]++;
                        if (!scanner.scan(List.of(example.asText())).isEmpty()) {
                            counts[1]++;
                        }
                    }
                    for (JsonNode negative : rule.path("negative_examples")) {
                        counts[2]++;
                        if (!scanner.scan(List.of(negative.asText())).isEmpty()) {
                            counts[3]++;
                        }
                    }
                }
                byFile.put(dir.relativize(file).toString(), counts);
                positives += counts[0];
                found += counts[1];
                negatives += counts[2];
                flagged += counts[3];
            }
            if (perRule) {
                List<String> lines = new ArrayList<>();
                byFile.forEach((name, c) -> lines.add(String.format("%-40s positives %3d/%-3d negatives flagged %d/%d",
                        name, c[1], c[0], c[3], c[2])));
                lines.forEach(System.out::println);
            }
            System.out.printf("files %d, rules %d in Bastion%n", files.size(), scanner.rules().size());
            System.out.printf("recall %.3f (%d of %d positive examples found)%n", ratio(found, positives), found, positives);
            System.out.printf("negatives flagged %.3f (%d of %d)%n", ratio(flagged, negatives), flagged, negatives);
            return 0;
        }

        private static double ratio(int a, int b) {
            return b == 0 ? 0 : (double) a / b;
        }
    }
}
