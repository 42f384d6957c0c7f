package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.fl.RobustAggregation;
import dev.bastion.privacy.fl.net.Control;
import dev.bastion.privacy.fl.net.Coordinator;
import dev.bastion.privacy.fl.net.FederationSetup;
import dev.bastion.privacy.fl.net.FeatureSchema;
import dev.bastion.privacy.fl.net.Identity;
import dev.bastion.privacy.fl.net.Roster;
import dev.bastion.privacy.fl.net.SiteLinks;
import dev.bastion.privacy.fl.net.SitePolicy;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion fl init|schema|serve}: a federation over the network. {@code init} writes the admin key, every
 * member's key directory and the signed roster; {@code schema} writes a feature encoding from a reference CSV;
 * {@code serve} is the coordinator. The site's side is {@link FlJoinCommand}.
 */
final class FlNetCommands {
    private FlNetCommands() {
    }

    @Command(name = "init", description = "A new federation: admin Ed25519 key, a TLS certificate (self-signed, pinned "
            + "by the roster) per member, an Ed25519 key per site, and the roster signed by the admin.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--federation", required = true, paramLabel = "ID")
        String federation;

        @Option(names = "--sites", required = true, split = ",", paramLabel = "NAME,NAME,...")
        List<String> sites;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Override
        public Integer call() throws IOException {
            Roster roster = FederationSetup.create(federation, sites, out, Instant.now());
            System.out.printf(Locale.ROOT, "federation %s: %d sites; roster %s (signed by %s)%n", federation,
                    roster.sites().size(), out.resolve("roster.txt"), out.resolve("admin/admin.key"));
            System.out.println("coordinator key directory: " + out.resolve("coordinator"));
            for (Roster.Site s : roster.sites()) {
                System.out.printf(Locale.ROOT, "site %d %s: %s (certificate %s)%n", s.id(), s.name(),
                        out.resolve("sites").resolve(s.name()), s.certificateFingerprint());
            }
            System.out.println("keep admin/admin.key offline; give each member only its own directory and roster.txt");
            return ExitCodes.OK;
        }
    }

    @Command(name = "schema", description = "Write the feature encoding (label classes; per column mean and standard "
            + "deviation or category list) of a reference CSV, for 'fl serve --schema'.")
    static final class Schema implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "CSV")
        Path data;

        @Option(names = "--label", required = true, paramLabel = "COLUMN")
        String label;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws IOException {
            FeatureSchema schema = FeatureSchema.of(Table.read(data, true), label);
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(schema));
            System.out.printf(Locale.ROOT, "%s: %d columns, %d features, %d classes%n", out, schema.columns().size(),
                    schema.dimensions(), schema.classes().size());
            return ExitCodes.OK;
        }
    }

    static FeatureSchema readSchema(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), FeatureSchema.class);
    }

    static Roster readRoster(Path roster, Identity me) throws IOException {
        return Roster.load(roster, me.adminKey());
    }

    @Command(name = "serve", description = "Coordinate a federation: wait for the roster's sites to dial in over mutual "
            + "TLS, run FedAvg rounds with secure aggregation, write the model and one report per round.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--roster", required = true, paramLabel = "FILE")
        Path rosterFile;

        @Option(names = "--key", required = true, paramLabel = "DIR", description = "The coordinator key directory.")
        Path key;

        @Option(names = "--port", defaultValue = "0", description = "0 picks a free port (printed).")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default 127.0.0.1).")
        String bind;

        @Option(names = "--schema", required = true, paramLabel = "FILE", description = "Feature encoding (fl schema).")
        Path schemaFile;

        @Option(names = "--model", defaultValue = "logreg", description = "logreg (default) or mlp.")
        String model;

        @Option(names = "--hidden", defaultValue = "32")
        int hidden;

        @Option(names = "--rounds", defaultValue = "10")
        int rounds;

        @Option(names = "--secagg", defaultValue = "full", description = "off, full or plus (default full).")
        String secagg;

        @Option(names = "--epsilon", defaultValue = "0", description = "The ε the task declares to sites' policies "
                + "(default 0: no DP claimed).")
        double epsilon;

        @Option(names = "--local-epochs", defaultValue = "1")
        int localEpochs;

        @Option(names = "--batch-size", defaultValue = "32")
        int batchSize;

        @Option(names = "--learning-rate", defaultValue = "0.1")
        double learningRate;

        @Option(names = "--clip", defaultValue = "4")
        double clip;

        @Option(names = "--level-bits", defaultValue = "20")
        int levelBits;

        @Option(names = "--max-count", defaultValue = "65536", description = "Public cap on a site's example count.")
        long maxCount;

        @Option(names = "--tolerance", defaultValue = "0.3333333333")
        double tolerance;

        @Option(names = "--corrupt", defaultValue = "0.1")
        double corrupt;

        @Option(names = "--stage-timeout", defaultValue = "60", description = "Seconds a stage waits (default 60).")
        double stageTimeout;

        @Option(names = "--join-timeout", defaultValue = "120", description = "Seconds to wait for sites (default 120).")
        double joinTimeout;

        @Option(names = "--attempts", defaultValue = "3")
        int attempts;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--test", paramLabel = "CSV", description = "The coordinator's own labelled rows: accuracy "
                + "after each round (optional).")
        Path testData;

        @Option(names = "--insecure-seed", paramLabel = "N", description = "Reproducible initial parameters.")
        Long insecureSeed;

        @Option(names = "--dp", defaultValue = "off", description = "off (default), central (the coordinator adds "
                + "Gaussian noise to the sum of clipped updates) or distributed (sites add discrete Gaussian shares "
                + "before masking; the coordinator only sees the noisy sum). Every site takes part in every round "
                + "(q = 1); --clip is the L2 clip.")
        String dp;

        @Option(names = "--delta", defaultValue = "1e-5", description = "Target delta with --dp (default 1e-5).")
        double delta;

        @Option(names = "--noise-multiplier", paramLabel = "Z", description = "With --dp: the noise multiplier "
                + "(default: solved from --epsilon over --rounds).")
        Double noiseMultiplier;

        @Option(names = "--bits", defaultValue = "32", description = "Bits per coordinate of the distributed DP sum "
                + "(default 32).")
        int bits;

        @Option(names = "--dataset", paramLabel = "NAME", description = "With --dp: the ledger charged (privacy unit "
                + "'user': one site) before any round.")
        String dataset;

        @Mixin
        CommonOptions common;

        @Option(names = "--robust", defaultValue = "off", description = "off, median, trimmed-mean, multi-krum or "
                + "norm-bound: the rule over group means.")
        String robust;

        @Option(names = "--group-size", defaultValue = "3", description = "With --robust: sites per group, at least "
                + "(default 3; groups drawn each round from the public round seed).")
        int groupSize;

        @Option(names = "--byzantine-fraction", defaultValue = "0.2", description = "With --robust: the share of "
                + "inputs the rule assumes bad (default 0.2).")
        double byzantineFraction;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Identity me = Identity.load(key);
            Roster roster = readRoster(rosterFile, me);
            if (!me.fingerprint().equals(roster.coordinatorFingerprint())) {
                throw new IllegalArgumentException(key + " is not the coordinator the roster names");
            }
            String mode = secagg.strip().toLowerCase(Locale.ROOT);
            FeatureSchema schema = readSchema(schemaFile);
            Model m = switch (model.strip().toLowerCase(Locale.ROOT)) {
                case "logreg" -> new LogisticRegression(schema.dimensions(), schema.classes().size());
                case "mlp" -> new Mlp(schema.dimensions(), hidden, schema.classes().size());
                default -> throw new IllegalArgumentException("--model is logreg or mlp, got '" + model + "'");
            };
            int sites = roster.sites().size();
            FlNetPrivacy.Plan privacy = FlNetPrivacy.plan(dp, epsilon, delta, noiseMultiplier, rounds, sites,
                    tolerance, bits);
            java.util.Optional<RobustAggregation.Rule> rule = robust.strip().equalsIgnoreCase("off")
                    ? java.util.Optional.empty() : java.util.Optional.of(RobustAggregation.Rule.parse(robust));
            Coordinator.Settings settings = new Coordinator.Settings(model.strip().toLowerCase(Locale.ROOT), hidden,
                    schema, rounds, new Control.Aggregation(mode, tolerance, corrupt, new byte[32],
                            Math.round(stageTimeout * 1000)), privacy.declaredEpsilon(epsilon), localEpochs,
                    batchSize, learningRate, clip, levelBits, maxCount, attempts, privacy.privacy(), rule,
                    rule.isPresent() ? groupSize : 1, byzantineFraction);
            if (privacy.dp() && FlNetPrivacy.charge(common, dataset, privacy, rounds, clip, m.describe()) != 0) {
                return ExitCodes.REFUSED;
            }
            Files.createDirectories(out.resolve("rounds"));
            RandomGenerator random = insecureSeed == null ? new SecureRandom() : new Random(insecureSeed);
            try (FlAudit audit = FlAudit.open(out.resolve("audit"));
                    SiteLinks links = SiteLinks.listen(roster, me, InetAddress.getByName(bind), port, 1 << 26,
                            audit::record)) {
                System.out.println("listening " + bind + ":" + links.port());
                System.out.flush();
                audit.record("fl.serve-started federation=" + roster.federation() + " sites=" + roster.sites().size()
                        + " model=" + m.describe() + " secagg=" + mode + " rounds=" + rounds);
                int joined = links.awaitSites(Duration.ofMillis(Math.round(joinTimeout * 1000)));
                System.out.printf(Locale.ROOT, "%d of %d sites joined%n", joined, roster.sites().size());
                int n = roster.sites().size();
                int needed = mode.equals("off") ? 1 : n - (int) Math.floor(n * tolerance);
                if (joined < needed) {
                    audit.record("fl.serve-gave-up joined=" + joined + " needed=" + needed);
                    throw new IllegalStateException("only " + joined + " of " + n + " sites joined within "
                            + "--join-timeout; the rounds need at least " + needed);
                }
                java.util.function.ToDoubleFunction<double[]> evaluate = p -> Double.NaN;
                if (testData != null) {
                    dev.bastion.privacy.train.TrainingData test = schema.encode(Table.read(testData, true));
                    evaluate = p -> m.accuracy(p, test);
                }
                Coordinator.Result result = new Coordinator(roster, links, settings, audit::record, evaluate)
                        .noise(insecureSeed == null ? dev.bastion.privacy.dp.DpRandom.secure()
                                : dev.bastion.privacy.dp.DpRandom.insecureSeeded(insecureSeed + 7))
                        .run(m.initialParameters(random), r -> {
                            double bytes = r.stages().stream().mapToLong(s -> s.bytesUp() + s.bytesDown()).sum();
                            System.out.printf(Locale.ROOT, "round %3d: %d sites summed (attempts %d), %d examples, "
                                    + "%.0f bytes on the wire, %.2f s%s%s%n", r.round(),
                                    r.survivors().size(), r.attempts(), r.examples(), bytes, r.seconds(),
                                    Double.isNaN(r.testAccuracy()) ? ""
                                            : String.format(Locale.ROOT, ", accuracy %.4f", r.testAccuracy()),
                                    r.refusals().isEmpty() ? "" : ", refused by " + r.refusals());
                            if (!r.groups().isEmpty()) {
                                System.out.println("           groups " + r.groups());
                            }
                            if (!Double.isNaN(r.noisePresent())) {
                                System.out.printf(Locale.ROOT, "           noise present z >= %.4f%n",
                                        r.noisePresent());
                            }
                            writeRound(out.resolve("rounds").resolve(String.format(Locale.ROOT, "%03d.json", r.round())),
                                    r, privacy);
                        });
                writeModel(out.resolve("model.json"), m, schema, roster, result, mode);
                System.out.println("wrote " + out.resolve("model.json") + " and " + rounds + " round reports");
            }
            return ExitCodes.OK;
        }

        private static void writeRound(Path file, Coordinator.RoundReport r, FlNetPrivacy.Plan privacy) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.putPOJO("groups", r.groups());
            json.put("round_seed", r.roundSeed());
            FlNetPrivacy.report(json, privacy, r);
            json.put("round", r.round());
            json.put("attempts", r.attempts());
            json.putPOJO("aborted_attempts", r.abortedAttempts());
            json.putPOJO("refusals", r.refusals());
            json.putPOJO("survivors", r.survivors());
            json.put("examples_summed", r.examples());
            json.put("modulus_bits", r.bits());
            json.put("threshold", r.threshold());
            json.put("seconds", r.seconds());
            if (!Double.isNaN(r.testAccuracy())) {
                json.put("test_accuracy", r.testAccuracy());
            }
            r.sumSha256().ifPresent(s -> json.put("sum_sha256", s));
            ArrayNode stages = json.putArray("stages");
            for (Coordinator.StageReport s : r.stages()) {
                FlJson.stage(stages, s.stage(), s.senders(), s.bytesUp(), s.bytesDown(), s.seconds());
            }
            FlJson.write(file, json);
        }

        private void writeModel(Path file, Model m, FeatureSchema schema, Roster roster, Coordinator.Result result,
                String mode) throws IOException {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("format", "bastion-fl-model/1");
            json.put("model", m.describe());
            json.put("federation", roster.federation());
            json.put("secagg", mode);
            json.put("rounds", rounds);
            json.put("rounds_summed", result.rounds().stream().filter(r -> r.sumSha256().isPresent()).count());
            json.putPOJO("classes", schema.classes());
            json.putPOJO("columns", schema.columnNames());
            FlJson.parameters(json, result.parameters());
            FlJson.write(file, json);
        }
    }

    /** Reads a site policy from YAML; an unknown key is an error that names it. */
    static SitePolicy readPolicy(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a policy is a YAML mapping");
        }
        Set<String> known = Set.of("models", "columns", "max-epsilon-per-task", "max-epsilon-total",
                "require-secure-aggregation", "max-tolerance");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(file + ": unknown key '" + k + "' (known: " + known + ")");
            }
        }
        return new SitePolicy(strings(root, "models", file), strings(root, "columns", file),
                number(root, "max-epsilon-per-task", file), number(root, "max-epsilon-total", file),
                !root.has("require-secure-aggregation") || root.get("require-secure-aggregation").asBoolean(true),
                root.has("max-tolerance") ? root.get("max-tolerance").asDouble() : 0.3333333334);
    }

    private static Set<String> strings(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a non-empty list");
        }
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return Set.copyOf(out);
    }

    private static double number(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a number");
        }
        return n.asDouble();
    }
}
