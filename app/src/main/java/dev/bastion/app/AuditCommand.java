package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditReader;
import dev.bastion.audit.Checkpoint;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion audit ...}: read-only tools over the audit log in {@code <data-dir>/audit}, safe to run while the
 * gateway writes. Proofs are printed as JSON with base64 hashes, checkable by anyone with RFC 9162's algorithms.
 */
@Command(name = "audit", description = "Verify the audit log and print proofs, checkpoints and records.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Proof.class, AuditCommand.Consistency.class,
                AuditCommand.Latest.class, AuditCommand.Tail.class, AuditCommand.Export.class,
                VerifyReportCommand.class, AuditSequencerCommand.class})
final class AuditCommand {
    static Path logDir(CommonOptions common) {
        return dataDir(common).resolve("audit");
    }

    static Path dataDir(CommonOptions common) {
        GatewayConfig config = common.load(Map.of()).config();
        return config.dataDir();
    }

    static AuditReader reader(CommonOptions common) throws IOException {
        Path dir = logDir(common);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("there is no audit log in " + dir + " yet");
        }
        return AuditReader.open(dir);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Prints a proof as JSON: the given fields, then the hashes of {@code proof} in base64. */
    static void printProof(ObjectNode out, java.util.List<byte[]> proof) {
        ArrayNode hashes = out.putArray("proof");
        proof.forEach(h -> hashes.add(b64(h)));
        System.out.println(out.toPrettyString());
    }

    @Command(name = "verify", description = "Recompute the whole log; report every broken record, checkpoint or signature.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--from-checkpoint", paramLabel = "FILE", description = "An older checkpoint: prove the log only grew since.")
        Path from;

        @Option(names = "--public-key", paramLabel = "FILE", description = "Trusted public key (default: <data-dir>/keys/audit-signing.key.pub).")
        Path publicKey;

        @Option(names = "--cluster", description = "Verify the cluster tree 'bastion audit sequencer' writes "
                + "(<data-dir>/audit-cluster, key keys/audit-cluster-signing.key.pub).")
        boolean cluster;

        @Mixin
        Output output;

        @Override
        public Integer call() throws IOException {
            boolean json = output.json();
            Path data = dataDir(common);
            Path key = publicKey != null ? publicKey : cluster
                    ? Path.of(dev.bastion.gateway.cluster.audit.Sequencer.keyFile(data) + ".pub")
                    : data.resolve("keys/audit-signing.key.pub");
            Path log = cluster ? dev.bastion.gateway.cluster.audit.Sequencer.treeDir(data) : logDir(common);
            Optional<Checkpoint> older = from == null ? Optional.empty() : Optional.of(Checkpoint.decode(Files.readString(from)));
            Verifier.Report report = Verifier.verify(log, Verifier.readPublicKey(key), older);
            if (json) {
                ObjectNode out = Output.object();
                out.put("ok", report.ok());
                out.put("records", report.records());
                out.put("checkpoints", report.checkpoints());
                report.notes().forEach(out.putArray("notes")::add);
                report.problems().forEach(out.putArray("problems")::add);
                Output.print(out);
                return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
            }
            System.out.println("records: " + report.records() + ", checkpoints: " + report.checkpoints());
            report.notes().forEach(n -> System.out.println("note: " + n));
            report.problems().forEach(p -> System.out.println("BROKEN: " + p));
            System.out.println(report.ok() ? "verified: the log is intact" : "FAILED: " + report.problems().size() + " problem(s)");
            return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "proof", description = "Print the inclusion proof of one record (RFC 9162, 2.1.3).")
    static final class Proof implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--index", required = true, description = "Record index, from 0.")
        long index;

        @Option(names = "--size", description = "Tree size to prove against (default: the latest checkpoint's).")
        Long size;

        @Override
        public Integer call() throws IOException {
            AuditReader r = reader(common);
            long n = size != null ? size : r.latestCheckpoint().map(Checkpoint::size).orElse(r.size());
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("index", index);
            out.put("tree_size", n);
            out.put("leaf_hash", b64(r.leafHash(index)));
            out.put("root", b64(r.root(n)));
            printProof(out, r.inclusionProof(index, n));
            return ExitCodes.OK;
        }
    }

    @Command(name = "consistency", description = "Print the proof that the log of --old records is a prefix of today's (RFC 9162, 2.1.4).")
    static final class Consistency implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--old", required = true, description = "The older tree size.")
        long old;

        @Option(names = "--new", description = "The newer tree size (default: the latest checkpoint's).")
        Long newer;

        @Override
        public Integer call() throws IOException {
            AuditReader r = reader(common);
            long n = newer != null ? newer : r.latestCheckpoint().map(Checkpoint::size).orElse(r.size());
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("old_size", old);
            out.put("new_size", n);
            out.put("old_root", b64(r.root(old)));
            out.put("new_root", b64(r.root(n)));
            printProof(out, r.consistencyProof(old, n));
            return ExitCodes.OK;
        }
    }

    @Command(name = "checkpoint", description = "Print the latest signed checkpoint, to publish or give to a witness.")
    static final class Latest implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        Output output;

        @Override
        public Integer call() throws IOException {
            boolean json = output.json();
            Optional<Checkpoint> c = reader(common).latestCheckpoint();
            if (c.isEmpty()) {
                System.err.println("bastion: the audit log has no checkpoint yet");
                return ExitCodes.FAILED;
            }
            if (json) {
                Checkpoint k = c.get();
                Output.print(Output.object().put("origin", k.origin()).put("size", k.size()).put("root", b64(k.root()))
                        .put("time", k.time().toString()).put("key_id", k.keyId()).put("checkpoint", k.encode()));
                return ExitCodes.OK;
            }
            System.out.print(c.get().encode());
            return ExitCodes.OK;
        }
    }

    @Command(name = "tail", description = "Print the last records as JSON lines.")
    static final class Tail implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
        int lines;

        @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
                description = "jsonl (the default: one record a line) or json (one array).")
        String format;

        @Override
        public Integer call() throws IOException {
            boolean array = array(format);
            AuditReader r = reader(common);
            Records out = new Records(array);
            out.add(r, Math.max(0, r.size() - lines), r.size());
            out.finish();
            return ExitCodes.OK;
        }
    }

    @Command(name = "export", description = "Print records as JSON lines: FROM..TO (exclusive), as record indices "
            + "or as times (ISO-8601, such as 2026-11-24T00:00:00Z).")
    static final class Export implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--from", defaultValue = "0", description = "First record index, or earliest time.")
        String from;

        @Option(names = "--to", description = "Stop before this index or time (default: the end).")
        String to;

        @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
                description = "jsonl (the default: one record a line) or json (one array).")
        String format;

        @Override
        public Integer call() throws IOException {
            Records out = new Records(array(format));
            AuditReader r = reader(common);
            if (isIndex(from) && (to == null || isIndex(to))) {
                out.add(r, Long.parseLong(from), to == null ? r.size() : Math.min(Long.parseLong(to), r.size()));
                out.finish();
                return ExitCodes.OK;
            }
            java.time.Instant start = isIndex(from) ? java.time.Instant.MIN : java.time.Instant.parse(from);
            java.time.Instant end = to == null || isIndex(to) ? java.time.Instant.MAX : java.time.Instant.parse(to);
            for (long i = 0; i < r.size(); i++) {
                java.time.Instant t = java.time.Instant.parse(Json.MAPPER.readTree(r.record(i)).path("time").asText());
                if (!t.isBefore(start) && t.isBefore(end)) {
                    out.add(r, i, i + 1);
                }
            }
            out.finish();
            return ExitCodes.OK;
        }

        private static boolean isIndex(String s) {
            return s.matches("\\d{1,18}");
        }
    }

    /** Whether {@code --format} asks for one JSON array (json) rather than JSON lines (jsonl). */
    static boolean array(String format) {
        return switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> true;
            case "jsonl" -> false;
            default -> throw new IllegalArgumentException("--format is jsonl or json, got '" + format + "'");
        };
    }

    /** Records as {@code {"index", "record"}} objects: one a line, or one array streamed element by element. */
    static final class Records {
        private final boolean array;
        private boolean first = true;

        Records(boolean array) {
            this.array = array;
        }

        void add(AuditReader r, long from, long to) {
            for (long i = from; i < to; i++) {
                String item = "{\"index\":" + i + ",\"record\":" + new String(r.record(i), StandardCharsets.UTF_8) + "}";
                if (array) {
                    System.out.print((first ? "[" : ",\n") + item);
                } else {
                    System.out.println(item);
                }
                first = false;
            }
        }

        void finish() {
            if (array) {
                System.out.println(first ? "[]" : "]");
            }
            System.out.flush();
        }
    }
}
