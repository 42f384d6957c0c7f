package dev.bastion.app;

import dev.bastion.guard.Finding;
import dev.bastion.guard.secrets.SecretsScanner;
import dev.bastion.guard.secrets.TextDecoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion scan --secrets PATH...}: finds credentials in files and folders before they are shared with a
 * model. Prints {@code file:line:column TYPE score} per finding (never the secret) and exits 1 when it found any.
 *
 * <p>{@code bastion scan [--scanner ID[,ID...]] [--format jsonl|json|text] [FILE...|-]}: runs scanners (by default
 * {@code pii}) over texts, one per line of each input (or one per {@code {"id":..., "text":...}} line of a .jsonl
 * input), and writes one record per text: its id, every finding (type, UTF-16 start and end, score, recognizer) and
 * each scanner's score for the whole text where the scanner has one (the injection classifier's probability, even
 * below its threshold), so any prompt set can be scored from outside. See {@link TextScan} for bounded memory,
 * error records and exit codes. Matched text is never printed.
 */
@Command(name = "scan", description = "Scan files and folders for secrets (exit 1 if any are found), or run any "
        + "scanner over texts (--scanner, JSON lines out).")
final class ScanCommand implements Callable<Integer> {
    private static final long MAX_FILE = 10L << 20;

    @Option(names = "--secrets", description = "Look for credentials in files and folders.")
    boolean secrets;

    @Option(names = "--scanner", split = ",", paramLabel = "ID", description = "Scanners to run over texts: "
            + "pii (the default), injection, secrets.")
    List<String> scanners;

    @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (one record a line), json (one "
            + "value) or text. Default: jsonl over texts, text with --secrets.")
    String format;

    @Option(names = "--input", defaultValue = "auto", description = "text (one text a line) or jsonl ({\"id\", "
            + "\"text\"} a line); default: jsonl for .jsonl files, else text.")
    String inputFormat;

    @Option(names = "--pii-mode", defaultValue = "balanced", paramLabel = "MODE", description = "With the pii "
            + "scanner: balanced (the default; precision first, for text that still goes to a model) or recall "
            + "(de-identification: lower thresholds, weaker names reported too).")
    String piiMode;

    @Option(names = "--embeddings", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --scanner injection: the MiniLM embedding stage (on by default since round fourteen: "
            + "the shipped thresholds were chosen with it); --no-embeddings for the lexical model alone.")
    boolean embeddings;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files or folders (.git folders are skipped) with "
            + "--secrets; otherwise text files, .jsonl files or - for standard input (the default).")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        if (!secrets) {
            return TextScan.run(scanners == null || scanners.isEmpty() ? List.of("pii") : scanners,
                    format == null ? "jsonl" : format, inputFormat,
                    embeddings, dev.bastion.guard.pii.PiiMode.fromConfig(piiMode), paths == null || paths.isEmpty() ? List.of(Path.of("-")) : paths);
        }
        if (paths == null || paths.isEmpty()) {
            throw new IllegalArgumentException("--secrets needs at least one file or folder");
        }
        String fmt = format == null ? "text" : format.strip().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("text", "jsonl", "json").contains(fmt)) {
            throw new IllegalArgumentException("--format is text, jsonl or json, got '" + format + "'");
        }
        com.fasterxml.jackson.databind.node.ArrayNode found = Output.array();
        SecretsScanner scanner = SecretsScanner.builtIn();
        int total = 0;
        int files = 0;
        for (Path root : paths) {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(root)) {
                all = walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/")).sorted().toList();
            }
            for (Path file : all) {
                if (Files.size(file) > MAX_FILE) {
                    System.err.println("bastion: skipped " + file + " (larger than 10 MiB)");
                    continue;
                }
                java.util.Optional<String> decoded = TextDecoding.decode(Files.readAllBytes(file)); // UTF-8, UTF-16, Latin-1
                if (decoded.isEmpty()) {
                    continue; // binary
                }
                String text = decoded.get();
                files++;
                for (Finding f : scanner.scan(List.of(text))) {
                    int line = 1;
                    int lineStart = 0;
                    for (int i = 0; i < f.start(); i++) {
                        if (text.charAt(i) == '\n') {
                            line++;
                            lineStart = i + 1;
                        }
                    }
                    boolean info = SecretsScanner.INFORMATIONAL.contains(f.type());
                    int column = f.start() - lineStart + 1;
                    if (fmt.equals("text")) {
                        System.out.printf(java.util.Locale.ROOT, "%s:%d:%d %s score=%.2f%s%n", file, line, column,
                                f.type(), f.score(), info ? " (informational)" : "");
                    } else {
                        com.fasterxml.jackson.databind.node.ObjectNode o = Output.object().put("file", file.toString())
                                .put("line", line).put("column", column).put("type", f.type())
                                .put("score", f.score()).put("informational", info);
                        if (fmt.equals("jsonl")) {
                            Output.print(o);
                        } else {
                            found.add(o);
                        }
                    }
                    if (!info) {
                        total++;
                    }
                }
            }
        }
        if (fmt.equals("json")) {
            Output.print(Output.object().put("secrets", total).put("files", files).set("findings", found));
        }
        System.err.println("bastion: " + total + " secret(s) in " + files + " text file(s)");
        return total == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
