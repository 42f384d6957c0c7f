package dev.bastion.app;

import dev.bastion.guard.eval.StdnumDoctests;
import dev.bastion.guard.pii.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion eval validators --stdnum DIR}: agreement of Bastion's check-digit validators with python-stdnum's
 * doctest vectors (valid and invalid numbers) for IBAN, Luhn, German tax id, Spanish DNI/NIE, Indian PAN and Italian
 * codice fiscale. The doctests are read as data by guard's {@link StdnumDoctests}; this command finds the files and
 * prints.
 */
@Command(name = "validators", description = "Agreement of the PII check-digit validators with python-stdnum's test vectors.")
final class ValidatorEval implements Callable<Integer> {
    @Option(names = "--stdnum", required = true, paramLabel = "DIR", description = "The folder with stdnum's tests/.")
    Path dir;

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
            StdnumDoctests.Agreement a = StdnumDoctests.agreement(e.getValue(),
                    StdnumDoctests.parse(Files.readAllLines(file), e.getKey().equals("test_es_nif.doctest")));
            allCases += a.cases();
            allAgree += a.agree();
            System.out.printf(Locale.ROOT, "%-32s %4d of %4d agree (%.1f%%)%s%n", e.getKey(), a.agree(), a.cases(),
                    a.cases() == 0 ? 0 : 100.0 * a.agree() / a.cases(),
                    a.disagreements().isEmpty() ? "" : "; e.g. " + String.join(", ", a.disagreements()));
        }
        System.out.printf(Locale.ROOT, "total %d of %d agree (%.2f%%)%n", allAgree, allCases, 100.0 * allAgree / Math.max(1, allCases));
        return ExitCodes.OK;
    }
}
