package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.InProcessRound;
import dev.bastion.privacy.fl.Partition;
import dev.bastion.privacy.fl.SecAggPlusBounds;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion fl simulate|bounds}: federated learning with secure aggregation, simulated in one JVM. */
@Command(name = "fl", description = "Federated learning with secure aggregation (Bonawitz et al. 2017, SecAgg+).",
        subcommands = {FlCommand.Simulate.class, FlCommand.Bounds.class, FlNetCommands.Init.class,
                FlNetCommands.Schema.class, FlNetCommands.Serve.class, FlJoinCommand.class})
final class FlCommand {

    @Command(name = "simulate", description = "Split a CSV into clients and run FedAvg over the in-process transport, "
            + "with the sum in the clear or by secure aggregation; prints accuracy beside central training.")
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "CSV")
        Path data;

        @Option(names = "--label", required = true, paramLabel = "COLUMN", description = "The column to predict.")
        String label;

        @Option(names = "--split-by", defaultValue = "iid", paramLabel = "COLUMN|iid|dirichlet:A",
                description = "One client per value of COLUMN (packed into --clients), random rows (iid), or "
                        + "label skew from Dirichlet(A). Default iid.")
        String splitBy;

        @Option(names = "--clients", defaultValue = "10")
        int clients;

        @Option(names = "--dropout", defaultValue = "0", description = "Chance a client vanishes in a round, at a "
                + "random stage (default 0).")
        double dropout;

        @Option(names = "--rounds", defaultValue = "20")
        int rounds;

        @Option(names = "--secagg", defaultValue = "full", description = "off, full (Bonawitz et al., fresh "
                + "signed keys every round), session (full, on one session's keys: no public-key operation after the "
                + "first round; plain FedAvg only), plus (SecAgg+) or he (threshold Paillier, --he-bits). Default full.")
        String secagg;

        @Option(names = "--model", defaultValue = "logreg", description = "logreg (default) or mlp.")
        String model;

        @Option(names = "--hidden", defaultValue = "32", description = "Hidden units of the MLP (default 32).")
        int hidden;

        @Option(names = "--local-epochs", defaultValue = "1")
        int localEpochs;

        @Option(names = "--batch-size", defaultValue = "32")
        int batchSize;

        @Option(names = "--learning-rate", defaultValue = "0.1")
        double learningRate;

        @Option(names = "--clip", defaultValue = "4", description = "Update coordinates are clipped to ±CLIP before "
                + "quantisation (default 4).")
        double clip;

        @Option(names = "--level-bits", defaultValue = "20", description = "Quantisation levels per coordinate, as "
                + "bits (default 20).")
        int levelBits;

        @Option(names = "--tolerance", defaultValue = "0.3333333333", description = "Dropout the secure sum "
                + "tolerates (default 1/3).")
        double tolerance;

        @Option(names = "--corrupt", defaultValue = "0.1", description = "Corrupt fraction SecAgg+'s k and t are "
                + "chosen for (default 0.1).")
        double corrupt;

        @Option(names = "--test-fraction", defaultValue = "0.2")
        double testFraction;

        @Option(names = "--central-epochs", defaultValue = "20", description = "Epochs of the central baseline "
                + "(0 skips it).")
        int centralEpochs;

        @Option(names = "--insecure-seed", paramLabel = "N", description = "Reproducible split, training and "
                + "dropouts (the protocol's keys stay random).")
        Long insecureSeed;

        @Option(names = "--out", paramLabel = "DIR", description = "Write model.json and rounds/NNN.json here.")
        Path out;

        @Mixin
        CommonOptions common;

        @Mixin
        FlSimulateOptions more;

        /** The central baseline (mean accuracy of three seeds, printed), or NaN when --central-epochs is 0. */
        double centralBaseline(Model m, TrainingData train, TrainingData test) {
            if (centralEpochs <= 0) {
                return Double.NaN;
            }
            FederatedAveraging.Settings settings = new FederatedAveraging.Settings(1, localEpochs, batchSize,
                    learningRate, FederatedAveraging.SecureAggregation.OFF, 0, tolerance, corrupt, clip, levelBits, 1);
            // the final iterate of plain SGD moves between seeds, so the baseline is the mean of three
            double[] acc = new double[3];
            for (int i = 0; i < acc.length; i++) {
                RandomGenerator seed = insecureSeed == null ? new SecureRandom() : new Random(insecureSeed + 100 + i);
                acc[i] = m.accuracy(FederatedAveraging.central(m, train, settings, centralEpochs, seed), test);
            }
            double central = java.util.Arrays.stream(acc).average().orElseThrow();
            System.out.printf(Locale.ROOT, "central accuracy %.4f (mean of 3 seeds, range %.4f-%.4f; %d epochs of "
                    + "the same minibatch SGD on the pooled training rows)%n", central,
                    java.util.Arrays.stream(acc).min().orElseThrow(), java.util.Arrays.stream(acc).max().orElseThrow(),
                    centralEpochs);
            return central;
        }

        @Override
        public Integer call() throws IOException {
            Table table = Table.read(data, true);
            TrainingData all = TrainingData.fromTable(table, label);
            RandomGenerator random = insecureSeed == null ? new SecureRandom() : new Random(insecureSeed);
            int[] order = TrainingData.shuffledIndices(all.size(), random);
            int testSize = (int) Math.round(all.size() * testFraction);
            if (testSize < 1 || testSize >= all.size()) {
                throw new IllegalArgumentException("--test-fraction leaves no training or no test rows");
            }
            int[] trainRows = java.util.Arrays.copyOfRange(order, testSize, order.length);
            TrainingData test = subset(all, java.util.Arrays.copyOfRange(order, 0, testSize));
            TrainingData train = subset(all, trainRows);
            List<int[]> parts = partition(table, all, trainRows, random);
            List<TrainingData> silos = new ArrayList<>();
            for (int[] p : parts) {
                silos.add(subset(train, p));
            }
            Model m = switch (model.strip().toLowerCase(Locale.ROOT)) {
                case "logreg" -> new LogisticRegression(all.dimensions(), all.classes().size());
                case "mlp" -> new Mlp(all.dimensions(), hidden, all.classes().size());
                default -> throw new IllegalArgumentException("--model is logreg or mlp, got '" + model + "'");
            };
            if (secagg.strip().equalsIgnoreCase("he")) {
                return FlHeRun.run(this, more, m, silos, train, test, random);
            }
            FederatedAveraging.SecureAggregation mode = switch (secagg.strip().toLowerCase(Locale.ROOT)) {
                case "off" -> FederatedAveraging.SecureAggregation.OFF;
                case "full" -> FederatedAveraging.SecureAggregation.FULL;
                case "plus" -> FederatedAveraging.SecureAggregation.PLUS;
                case "session" -> FederatedAveraging.SecureAggregation.SESSION;
                default -> throw new IllegalArgumentException("--secagg is off, full, session or plus (or he), got '"
                        + secagg + "'");
            };
            if (mode == FederatedAveraging.SecureAggregation.SESSION && (!more.dp.strip().equalsIgnoreCase("off")
                    || !more.robust.strip().equalsIgnoreCase("off") || more.malicious != null)) {
                throw new IllegalArgumentException("--secagg session runs plain FedAvg; with --dp, --robust or "
                        + "--malicious use --secagg full or plus");
            }
            if (!more.dp.strip().equalsIgnoreCase("off")) {
                return FlDpRun.run(this, more, m, silos, train, test, random, mode);
            }
            if (!more.robust.strip().equalsIgnoreCase("off") || more.malicious != null) {
                return FlRobustRun.run(this, more, m, silos, train, test, random, mode);
            }
            FederatedAveraging.Settings settings = new FederatedAveraging.Settings(rounds, localEpochs, batchSize,
                    learningRate, mode, dropout, tolerance, corrupt, clip, levelBits, 3);
            System.out.printf(Locale.ROOT, "%s, %d features, %d train rows in %d clients (sizes %s), %d test rows, "
                    + "secagg %s, dropout %.2f%n", m.describe(), all.dimensions(), train.size(), silos.size(),
                    silos.stream().map(s -> Integer.toString(s.size())).toList(), test.size(), secagg, dropout);
            if (out != null) {
                Files.createDirectories(out.resolve("rounds"));
            }
            FederatedAveraging.Result result = FederatedAveraging.run(m, silos, test, settings, random, r -> {
                System.out.printf(Locale.ROOT, "round %3d: accuracy %.4f, %d/%d clients summed (attempts %d), "
                        + "up %.0f B/client, down %.0f B/client, train %.4f s, aggregate %.4f s, train-cpu %.4f s, "
                        + "aggregate-cpu %.4f s%n", r.round(), r.testAccuracy(), r.included(), r.clients(), r.attempts(),
                        r.bytesUpPerClient(), r.bytesDownPerClient(), r.trainSeconds(), r.aggregationSeconds(),
                        r.trainCpuSeconds(), r.aggregationCpuSeconds());
                if (out != null) {
                    writeRound(out.resolve("rounds").resolve(String.format(Locale.ROOT, "%03d.json", r.round())), r);
                }
            });
            FederatedAveraging.RoundReport last = result.rounds().getLast();
            double meanSeconds = result.rounds().stream()
                    .mapToDouble(r -> r.trainSeconds() + r.aggregationSeconds()).average().orElse(0);
            double meanAgg = result.rounds().stream().mapToDouble(FederatedAveraging.RoundReport::aggregationSeconds)
                    .average().orElse(0);
            double meanBytes = result.rounds().stream()
                    .mapToDouble(r -> r.bytesUpPerClient() + r.bytesDownPerClient()).average().orElse(0);
            System.out.printf(Locale.ROOT, "federated accuracy %.4f after %d rounds; mean per round: %.2f s "
                    + "(aggregation %.2f s), %.0f bytes per client%n", last.testAccuracy(), rounds, meanSeconds,
                    meanAgg, meanBytes);
            double central = centralBaseline(m, train, test);
            if (out != null) {
                writeModel(out.resolve("model.json"), m, all, result, central);
                System.out.println("wrote " + out.resolve("model.json") + " and " + rounds + " round reports");
            }
            return ExitCodes.OK;
        }

        private List<int[]> partition(Table table, TrainingData all, int[] trainRows, RandomGenerator random) {
            String how = splitBy.strip();
            if (how.equalsIgnoreCase("iid")) {
                return Partition.iid(trainRows.length, clients, random);
            }
            if (how.toLowerCase(Locale.ROOT).startsWith("dirichlet:")) {
                int[] labels = new int[trainRows.length];
                for (int i = 0; i < trainRows.length; i++) {
                    labels[i] = all.y()[trainRows[i]];
                }
                return Partition.dirichlet(labels, all.classes().size(), clients,
                        Double.parseDouble(how.substring("dirichlet:".length())), random);
            }
            int column = table.index(how);
            String[] values = new String[trainRows.length];
            for (int i = 0; i < trainRows.length; i++) {
                values[i] = table.cell(trainRows[i], column);
            }
            return Partition.byValue(values, clients);
        }

        private static TrainingData subset(TrainingData d, int[] rows) {
            double[][] x = new double[rows.length][];
            int[] y = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                x[i] = d.x()[rows[i]];
                y[i] = d.y()[rows[i]];
            }
            return new TrainingData(x, y, d.classes(), d.features());
        }

        private static void writeRound(Path file, FederatedAveraging.RoundReport r) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("round", r.round());
            json.put("attempts", r.attempts());
            json.putPOJO("aborted_attempts", r.abortedAttempts());
            json.put("clients", r.clients());
            json.put("survivors_summed", r.included());
            json.put("examples_summed", r.totalCount());
            json.put("modulus_bits", r.bits());
            json.put("neighbours", r.neighbours());
            json.put("threshold", r.threshold());
            json.put("test_accuracy", r.testAccuracy());
            json.put("train_seconds", r.trainSeconds());
            json.put("aggregation_seconds", r.aggregationSeconds());
            json.put("train_cpu_seconds", r.trainCpuSeconds());
            json.put("aggregation_cpu_seconds", r.aggregationCpuSeconds());
            json.put("bytes_up_per_client", r.bytesUpPerClient());
            json.put("bytes_down_per_client", r.bytesDownPerClient());
            ArrayNode stages = json.putArray("stages");
            for (InProcessRound.StageStats s : r.stages()) {
                FlJson.stage(stages, s.stage().name().toLowerCase(Locale.ROOT), s.senders(), s.bytesUp(), s.bytesDown(),
                        s.seconds());
            }
            FlJson.write(file, json);
        }

        private void writeModel(Path file, Model m, TrainingData all, FederatedAveraging.Result result, double central)
                throws IOException {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("format", "bastion-fl-model/1");
            json.put("model", m.describe());
            json.put("data_sha256", dev.bastion.models.signing.Manifest.sha256(data));
            json.put("secagg", secagg);
            json.put("rounds", rounds);
            json.put("test_accuracy", result.rounds().getLast().testAccuracy());
            if (!Double.isNaN(central)) {
                json.put("central_test_accuracy", central);
            }
            json.put("not_covered", "the feature encoding (categories, means, standard deviations) was computed "
                    + "centrally from the whole file; no differential privacy");
            json.putPOJO("classes", all.classes());
            json.putPOJO("features", all.features());
            FlJson.parameters(json, result.parameters());
            FlJson.write(file, json);
        }
    }

    @Command(name = "bounds", description = "SecAgg+'s neighbourhood size k and threshold t (Bell et al. 2020) for "
            + "client counts, corrupt fractions and dropout rates; sigma 40, eta 20.")
    static final class Bounds implements Callable<Integer> {
        @Option(names = "--clients", split = ",", defaultValue = "100,1000,10000,100000")
        int[] clients;

        @Option(names = "--corrupt", split = ",", defaultValue = "0,0.05,0.1,0.2,0.3333333333")
        double[] corrupt;

        @Option(names = "--dropout", split = ",", defaultValue = "0.05,0.1,0.2,0.3333333333")
        double[] dropout;

        @Override
        public Integer call() {
            System.out.print(SecAggPlusBounds.table(clients, corrupt, dropout));
            return ExitCodes.OK;
        }
    }
}
