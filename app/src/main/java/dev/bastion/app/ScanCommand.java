package dev.bastion.app;

import dev.bastion.guard.Finding;
import dev.bastion.guard.secrets.SecretsScanner;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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
 */
@Command(name = "scan", description = "Scan files and folders for secrets (exit 1 if any are found).")
final class ScanCommand implements Callable<Integer> {
    private static final long MAX_FILE = 10L << 20;

    @Option(names = "--secrets", required = true, description = "Look for credentials (the only scan so far).")
    boolean secrets;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders (.git folders are skipped).")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
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
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
                } catch (CharacterCodingException binary) {
                    continue; // not text
                }
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
                    System.out.printf("%s:%d:%d %s score=%.2f%n", file, line, f.start() - lineStart + 1, f.type(), f.score());
                    total++;
                }
            }
        }
        System.err.println("bastion: " + total + " secret(s) in " + files + " text file(s)");
        return total == 0 ? 0 : 1;
    }
}
