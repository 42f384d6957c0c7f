package dev.bastion.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditStream;
import dev.bastion.audit.Checkpoint;
import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks a signed report (Markdown, JSON, or a PAdES-signed PDF: {@link PadesCheck}): its signature under the audit
 * public key, the signature of the audit
 * checkpoint it cites, and, when the audit log is at hand, that the log holds that checkpoint and that its first
 * records still have the checkpoint's tree head. Every failed check is listed, each saying what it means.
 */
public final class ReportVerifier {
    private ReportVerifier() {
    }

    /**
     * The outcome: the checks that passed and the problems found; the report verifies when there are no problems.
     */
    public record Verification(List<String> passed, List<String> problems) {
        public Verification {
            passed = List.copyOf(passed);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** A file that is not a signed report at all (wrong format, no signature). */
    public static final class NotAReport extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotAReport(String message) {
            super(message);
        }
    }

    /**
     * @param publicKeyX509 the trusted audit public key
     * @param auditDir the audit log directory, when the data directory is at hand
     * @throws NotAReport when the file is neither a signed Markdown nor a signed JSON report
     */
    public static Verification verify(Path file, byte[] publicKeyX509, Optional<Path> auditDir) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 5 && new String(bytes, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-")) {
            PadesCheck.Result pdf = PadesCheck.check(bytes, publicKeyX509);
            List<String> passed = new ArrayList<>(pdf.passed());
            List<String> problems = new ArrayList<>(pdf.problems());
            if (pdf.checkpoint().isEmpty()) {
                problems.add("the PDF states no audit checkpoint (BastionAuditCheckpoint in its document information)");
                return new Verification(passed, problems);
            }
            return checkpoint(pdf.checkpoint().get(), publicKeyX509, auditDir, Optional.empty(), passed, problems);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        byte[] canonical;
        ReportSignature signature;
        String checkpointText;
        Optional<JsonNode> json = Optional.empty();
        try {
            if (text.stripLeading().startsWith("{")) {
                JsonNode root = JsonReport.JSON.readTree(bytes);
                if (!(root instanceof ObjectNode o) || !JsonReport.SCHEMA.equals(root.path("schema").asText())) {
                    throw new NotAReport(file + " is JSON but not a " + JsonReport.SCHEMA + " report");
                }
                JsonNode sig = root.path("signature");
                signature = new ReportSignature(sig.path("key_id").asText(), SigningKey.Algorithm.fromName(
                        sig.path("algorithm").asText()), Base64.getDecoder().decode(sig.path("value").asText()));
                canonical = JsonReport.canonical(o);
                checkpointText = root.path("checkpoint").path("text").asText();
                json = Optional.of(root);
            } else {
                String[] parts = MarkdownReport.split(text);
                signature = ReportSignature.fromMarkdownLine(parts[1]);
                canonical = parts[0].getBytes(StandardCharsets.UTF_8);
                checkpointText = MarkdownReport.checkpoint(parts[0]);
            }
        } catch (NotAReport e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new NotAReport(file + " is not a signed bastion report: " + e.getMessage());
        }
        List<String> passed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String trusted = SigningKey.keyIdOf(publicKeyX509);
        if (!signature.keyId().equals(trusted)) {
            problems.add("the report is signed by key " + signature.keyId() + ", not the trusted audit key " + trusted);
        } else if (!signature.verifies(canonical, publicKeyX509)) {
            problems.add("the report's signature does not verify: the file was changed after it was signed");
        } else {
            passed.add("signature: valid, audit key " + trusted + " (" + signature.algorithm().configName() + ")");
        }
        return checkpoint(checkpointText, publicKeyX509, auditDir, json, passed, problems);
    }

    /** The checks of the cited checkpoint: its signature, and against the log when the log is at hand. */
    private static Verification checkpoint(String checkpointText, byte[] publicKeyX509, Optional<Path> auditDir,
            Optional<JsonNode> json, List<String> passed, List<String> problems) throws IOException {
        Checkpoint cited;
        try {
            cited = Checkpoint.decode(checkpointText);
        } catch (IllegalArgumentException e) {
            problems.add("the cited audit checkpoint cannot be read: " + e.getMessage());
            return new Verification(passed, problems);
        }
        if (!cited.verify(publicKeyX509)) {
            problems.add("the cited audit checkpoint (size " + cited.size() + ") is not signed by the trusted audit key");
        } else {
            passed.add("checkpoint: size " + cited.size() + ", signed " + cited.time() + " by key " + cited.keyId());
        }
        if (auditDir.isEmpty() || !Files.isDirectory(auditDir.get())) {
            passed.add("audit log: not at hand, so the checkpoint was not compared with the records");
            return new Verification(passed, problems);
        }
        checkAgainstLog(cited, auditDir.get(), json, passed, problems);
        return new Verification(passed, problems);
    }

    /**
     * Compares the checkpoint with the log and, for a JSON report, recounts the period and tenant it states in the
     * same pass and compares the counts.
     */
    private static void checkAgainstLog(Checkpoint cited, Path auditDir, Optional<JsonNode> json, List<String> passed,
            List<String> problems) throws IOException {
        Optional<AuditTally> tally = json.flatMap(ReportVerifier::tallyFor);
        boolean listed = AuditStream.checkpoints(auditDir).stream().anyMatch(cited::equals);
        AuditStream.Result read = AuditStream.read(auditDir, cited.size(), (i, r) -> tally.ifPresent(t -> t.accept(r)));
        if (read.records() < cited.size()) {
            problems.add("the audit log in " + auditDir + " has only " + read.records() + " readable records, fewer "
                    + "than the " + cited.size() + " the report's checkpoint covers: records were removed"
                    + read.problem().map(p -> " (" + p + ")").orElse(""));
        } else if (!MessageDigest.isEqual(read.root(), cited.root())) {
            problems.add("the first " + cited.size() + " records of the audit log in " + auditDir + " no longer have "
                    + "the report's checkpoint root: records were changed; run bastion audit verify");
        } else {
            passed.add("audit log: its first " + cited.size() + " records have the checkpoint's tree head"
                    + (listed ? ", and the checkpoint is in its checkpoints.log" : ""));
            tally.ifPresent(t -> recount(json.get().path("counts"), t.counts(), passed, problems));
        }
        if (!listed && read.records() >= cited.size() && MessageDigest.isEqual(read.root(), cited.root())) {
            passed.add("note: the checkpoint is not in this log's checkpoints.log (a copy of the log, or another origin)");
        }
    }

    /** A tally for the period and tenant a JSON report states; empty when it states them in a form not understood. */
    private static Optional<AuditTally> tallyFor(JsonNode report) {
        try {
            JsonNode period = report.path("period");
            Period p = new Period(instant(period.path("from")), instant(period.path("to")));
            JsonNode tenant = report.path("tenant");
            return Optional.of(new AuditTally(p, tenant.isTextual() ? Optional.of(tenant.asText()) : Optional.empty()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<java.time.Instant> instant(JsonNode n) {
        return n.isTextual() ? Optional.of(java.time.Instant.parse(n.asText())) : Optional.empty();
    }

    private static void recount(JsonNode stated, AuditCounts recounted, List<String> passed, List<String> problems) {
        ObjectNode fresh = JsonReport.JSON.createObjectNode();
        JsonReport.counts(fresh, recounted);
        List<String> differ = new ArrayList<>();
        fresh.properties().forEach(e -> {
            if (!JsonReport.canonicalText(e.getValue()).equals(JsonReport.canonicalText(stated.path(e.getKey())))) {
                differ.add(e.getKey());
            }
        });
        if (differ.isEmpty()) {
            passed.add("counts: a recount of the log for the report's period and tenant gives the same " + fresh.size()
                    + " counts");
        } else {
            problems.add("the report's counts differ from a recount of the log for its period and tenant: "
                    + String.join(", ", differ));
        }
    }
}
