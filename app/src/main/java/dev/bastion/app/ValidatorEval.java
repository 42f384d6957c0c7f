package dev.bastion.app;

import dev.bastion.guard.pii.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval validators --stdnum DIR}: agreement of Bastion's check-digit validators with python-stdnum's
 * doctest vectors (valid and invalid numbers) for IBAN, Luhn, German tax id, Spanish DNI/NIE, Indian PAN and Italian
 * codice fiscale. Reads the doctests as data: lists of numbers asserted all valid or all invalid, {@code validate(...)}
 * followed by a result or an exception, {@code is_valid(...)} followed by True or False.
 */
@Command(name = "validators", description = "Agreement of the PII check-digit validators with python-stdnum's test vectors.")
final class ValidatorEval implements Callable<Integer> {
    @Option(names = "--stdnum", required = true, paramLabel = "DIR", description = "The folder with stdnum's tests/.")
    Path dir;

    private record Case(String number, boolean valid) {
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Predicate<String>> validators = new LinkedHashMap<>();
        validators.put("test_iban.doctest", Checksums::iban);
        validators.put("test_luhn.doctest", Checksums::luhn);
        validators.put("test_de_idnr.doctest", Checksums::germanTaxId);
        validators.put("test_es_nif.doctest", Checksums::spanishDni);
        validators.put("test_in_pan.doctest", Checksums::indianPan);
        validators.put("test_it_codicefiscale.doctest", Checksums::italianFiscalCode);
        int allCases = 0;
        int allAgree = 0;
        for (Map.Entry<String, Predicate<String>> e : validators.entrySet()) {
            Path file = Files.exists(dir.resolve("tests").resolve(e.getKey())) ? dir.resolve("tests").resolve(e.getKey())
                    : dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                System.out.printf(Locale.ROOT, "%-32s not found%n", e.getKey());
                continue;
            }
            List<Case> cases = parse(Files.readAllLines(file), e.getKey().equals("test_es_nif.doctest"));
            int agree = 0;
            List<String> disagreements = new ArrayList<>();
            for (Case c : cases) {
                boolean ours = e.getValue().test(clean(c.number()));
                if (ours == c.valid()) {
                    agree++;
                } else if (disagreements.size() < 5) {
                    disagreements.add((c.valid() ? "valid " : "invalid ") + c.number());
                }
            }
            allCases += cases.size();
            allAgree += agree;
            System.out.printf(Locale.ROOT, "%-32s %4d of %4d agree (%.1f%%)%s%n", e.getKey(), agree, cases.size(),
                    cases.isEmpty() ? 0 : 100.0 * agree / cases.size(),
                    disagreements.isEmpty() ? "" : "; e.g. " + String.join(", ", disagreements));
        }
        System.out.printf(Locale.ROOT, "total %d of %d agree (%.2f%%)%n", allAgree, allCases, 100.0 * allAgree / Math.max(1, allCases));
        return ExitCodes.OK;
    }

    private static String clean(String n) {
        StringBuilder b = new StringBuilder();
        for (char c : n.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                b.append(Character.toUpperCase(c));
            }
        }
        return b.toString();
    }

    static List<Case> parse(List<String> lines, boolean nifComments) {
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(">>> numbers = '''")) {
                List<String> block = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).strip().startsWith("... '''")) {
                    String v = lines.get(j).strip();
                    if (v.startsWith("... ")) {
                        v = v.substring(4).strip();
                    } else if (v.equals("...")) {
                        v = "";
                    }
                    if (!v.isEmpty()) {
                        block.add(v);
                    }
                    j++;
                }
                String check = j + 1 < lines.size() ? lines.get(j + 1) : "";
                if (check.contains("if x and not ")) {
                    block.forEach(n -> out.add(new Case(n, true)));
                } else if (check.contains("if x and ")) {
                    block.forEach(n -> out.add(new Case(n, false)));
                }
                i = j;
            } else if (l.startsWith(">>> ") && l.contains(".validate('") && !l.contains(",")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
                out.add(new Case(n, !next.startsWith("Traceback")));
            } else if (l.startsWith(">>> ") && l.contains(".is_valid('") && !l.contains(",")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
                if (next.equals("True") || next.equals("False")) {
                    out.add(new Case(n, next.equals("True")));
                }
            } else if (nifComments && l.startsWith(">>> check('") && (l.contains("DNI") || l.contains("NIE"))
                    && !l.contains("not classified")) {
                String n = l.substring(l.indexOf("('") + 2, l.indexOf("')"));
                out.add(new Case(n, l.contains("# valid")));
            }
        }
        return out;
    }
}
