package dev.bastion.app;

import dev.bastion.app.report.ReportVerifier;
import dev.bastion.audit.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion audit verify-report FILE}: checks a report made by {@code bastion report} (its .md, .json or
 * PAdES-signed .pdf): the
 * signature, the cited checkpoint's signature, and that the audit log in the data directory, when there is one,
 * still has that checkpoint's records. Exit 0 when all hold, 1 when one fails, 2 when the file is not a report.
 */
@Command(name = "verify-report", description = "Check a signed report (.md, .json or .pdf from bastion report): its "
        + "signature, its audit checkpoint, and the checkpoint against the audit log when the data directory is here.")
final class VerifyReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The report's .md, .json or .pdf file.")
    Path file;

    @Mixin
    CommonOptions common;

    @Option(names = "--public-key", paramLabel = "FILE", description = "Trusted audit public key (default: "
            + "<data-dir>/keys/audit-signing.key.pub).")
    Path publicKey;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            System.err.println("bastion: no such file: " + file);
            return ExitCodes.USAGE;
        }
        Path dataDir = common.load(Map.of()).config().dataDir();
        Path key = publicKey != null ? publicKey : dataDir.resolve("keys/audit-signing.key.pub");
        if (!Files.isRegularFile(key)) {
            System.err.println("bastion: no audit public key at " + key + "; pass --public-key FILE");
            return ExitCodes.USAGE;
        }
        ReportVerifier.Verification v;
        try {
            v = ReportVerifier.verify(file, Verifier.readPublicKey(key), Optional.of(dataDir.resolve("audit")));
        } catch (ReportVerifier.NotAReport e) {
            System.err.println("bastion: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        v.passed().forEach(p -> System.out.println("ok: " + p));
        v.problems().forEach(p -> System.out.println("BROKEN: " + p));
        System.out.println(v.ok() ? "verified: " + file.getFileName() + " is as signed and its checkpoint holds"
                : "FAILED: " + v.problems().size() + " problem(s)");
        return v.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
