package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.attacks.Evasion;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.PrivacyReport;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion train}: a classifier trained with DP-SGD (or without privacy, as the baseline). */
@Command(name = "train", description = "Train a classifier with differential privacy (DP-SGD) on a CSV file or IDX "
        + "images, and write the model with its privacy report; `train injection` trains the injection detector.",
        subcommands = {InjectionCommands.Train.class, PiiNamesTrain.class})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "FILE", description = "CSV (optionally .gz) or IDX images (required).")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels, when --data is IDX images.")
    Path labels;

    @Option(names = "--label", paramLabel = "COLUMN", description = "The CSV column to predict.")
    String label;

    @Option(names = "--no-header", description = "The CSV has no header row; columns are c1, c2, ...")
    boolean noHeader;

    @Option(names = "--model", defaultValue = "logreg", description = "logreg (default) or mlp.")
    String model;

    @Option(names = "--hidden", defaultValue = "64", description = "Hidden units of the MLP (default 64).")
    int hidden;

    @Option(names = "--epsilon", description = "Target epsilon, or 'inf' for no privacy (baseline) (required).")
    String epsilon;

    @Option(names = "--delta", defaultValue = "1e-5", description = "Target delta (default 1e-5; use < 1/n).")
    double delta;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256", description = "Expected batch size (Poisson sampling).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.5")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9")
    double momentum;

    @Option(names = "--clip", defaultValue = "1.0", description = "Per-example gradient L2 clip norm.")
    double clip;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Held-out share for accuracy.")
    double testFraction;

    @Option(names = "--insecure-seed", paramLabel = "N", description = "Reproducible sampling, split and noise: for "
            + "experiments only; a known seed voids the privacy guarantee.")
    Long insecureSeed;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the model and its privacy report (JSON).")
    Path out;

    @Option(names = "--adversarial", paramLabel = "ATTACK", description = "Adversarial training (Madry et al. 2018): "
            + "'pgd' trains on each sampled example's PGD example at --adv-eps; 'none' trains as usual and only "
            + "measures accuracy under PGD at --adv-eps (the baseline to compare with).")
    String adversarial;

    @Option(names = "--adv-eps", paramLabel = "E", description = "The L-inf budget of --adversarial, in the units of "
            + "the encoded features (numeric columns standardised).")
    Double advEps;

    @Option(names = "--adv-steps", defaultValue = "7", description = "PGD steps per training example (default 7).")
    int advSteps;

    @Override
    public Integer call() throws IOException {
        if (data == null || epsilon == null) {
            throw new IllegalArgumentException("--data and --epsilon are required (or use `bastion train injection`)");
        }
        TrainingData all = labels != null ? TrainingData.fromIdx(data, labels)
                : TrainingData.fromTable(Table.read(data, !noHeader), requireLabel());
        RandomGenerator random = insecureSeed == null ? new SecureRandom() : new Random(insecureSeed);
        DpRandom noise = insecureSeed == null ? DpRandom.secure() : DpRandom.insecureSeeded(insecureSeed + 1);
        TrainingData[] split = all.split(testFraction, random);
        TrainingData train = split[0];
        TrainingData test = split[1];
        Model m = switch (model.strip().toLowerCase(Locale.ROOT)) {
            case "logreg" -> new LogisticRegression(train.dimensions(), train.classes().size());
            case "mlp" -> new Mlp(train.dimensions(), hidden, train.classes().size());
            default -> throw new IllegalArgumentException("--model is logreg or mlp, got '" + model + "'");
        };
        double eps = "inf".equalsIgnoreCase(epsilon.strip()) ? Double.POSITIVE_INFINITY : Double.parseDouble(epsilon);
        DpSgd.Settings settings = new DpSgd.Settings(epochs, batchSize, learningRate, momentum, clip, eps, delta);
        DpSgd.Perturbation perturbation = adversarialTraining(m, random);
        DpSgd.Result result = DpSgd.train(m, train, settings, random, noise, perturbation);
        double accuracy = m.accuracy(result.parameters(), test);
        double robust = Double.NaN;
        if (advEps != null) {
            double[] p = result.parameters();
            robust = Evasion.robustAccuracy(m, p, test.x(), test.y(), (x, y) -> Evasion.pgd(m, p, x, y, advEps,
                    Evasion.Norm.LINF, new Evasion.Pgd(20, 0.125, 1, null), new java.util.SplittableRandom(1)));
        }
        PrivacyReport r = result.report();
        System.out.printf(Locale.ROOT, "model %s on %d examples (%d features, %d classes), %d held out%n",
                m.describe(), train.size(), train.dimensions(), train.classes().size(), test.size());
        System.out.printf(Locale.ROOT, "test accuracy %.4f%n", accuracy);
        if (advEps != null) {
            System.out.printf(Locale.ROOT, "adversarial training: %s; test accuracy under PGD-20 at L-inf %s: "
                    + "%.4f%n", isPgd() ? "pgd at L-inf " + advEps + " (" + advSteps + " steps)" : "none", advEps,
                    robust);
        }
        if (r.isPrivate()) {
            System.out.printf(Locale.ROOT, "privacy: epsilon %.4f at delta %.3g (%s accounting); noise multiplier "
                    + "%.4f, sampling rate %.5f, %d steps, clip norm %s%n", r.epsilon(), r.delta(), r.accountant(),
                    r.noiseMultiplier(), r.samplingRate(), r.steps(), r.clipNorm());
            System.out.println("not covered: " + r.notCovered());
        } else {
            System.out.println("privacy: none (baseline)");
        }
        System.out.printf(Locale.ROOT, "throughput %.0f examples/s (%.1f s)%n", result.examplesPerSecond(),
                result.seconds());
        if (insecureSeed != null) {
            System.err.println("bastion: --insecure-seed makes the noise predictable; do not release this model");
        }
        if (out != null) {
            write(m, all, result, accuracy, robust);
            System.out.println("wrote " + out);
        }
        return ExitCodes.OK;
    }

    private String requireLabel() {
        if (label == null) {
            throw new IllegalArgumentException("--label COLUMN is needed for CSV data");
        }
        return label;
    }

    private boolean isPgd() {
        return adversarial != null && adversarial.strip().equalsIgnoreCase("pgd");
    }

    /** The --adversarial option as a perturbation of each training example, or none. */
    private DpSgd.Perturbation adversarialTraining(Model m, RandomGenerator random) {
        if (adversarial == null) {
            if (advEps != null) {
                throw new IllegalArgumentException("--adv-eps needs --adversarial pgd (or none, to measure only)");
            }
            return DpSgd.Perturbation.NONE;
        }
        String kind = adversarial.strip().toLowerCase(Locale.ROOT);
        if (!kind.equals("pgd") && !kind.equals("none")) {
            throw new IllegalArgumentException("--adversarial is pgd or none, got '" + adversarial + "'");
        }
        if (advEps == null || !(advEps > 0) || advSteps < 1) {
            throw new IllegalArgumentException("--adversarial needs --adv-eps E > 0 and --adv-steps >= 1");
        }
        if (kind.equals("none")) {
            return DpSgd.Perturbation.NONE;
        }
        return Evasion.pgdTraining(m, advEps, Evasion.Norm.LINF, new Evasion.Pgd(advSteps, 2.5 / advSteps, 1, null),
                new java.util.SplittableRandom(random.nextLong()));
    }

    private void write(Model m, TrainingData all, DpSgd.Result result, double accuracy, double robust)
            throws IOException {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("format", "bastion-dp-model/1");
        json.put("model", m.describe());
        json.put("data_sha256", dev.bastion.models.signing.Manifest.sha256(data));
        json.put("test_accuracy", accuracy);
        if (advEps != null) {
            ObjectNode adv = json.putObject("adversarial_training");
            adv.put("attack", isPgd() ? "pgd" : "none");
            adv.put("norm", "linf");
            adv.put("epsilon", advEps);
            adv.put("steps", advSteps);
            adv.put("test_accuracy_under_pgd20", robust);
        }
        PrivacyReport r = result.report();
        ObjectNode privacy = json.putObject("privacy");
        privacy.put("epsilon", r.isPrivate() ? Double.toString(r.epsilon()) : "inf");
        privacy.put("delta", r.delta());
        privacy.put("noise_multiplier", r.noiseMultiplier());
        privacy.put("sampling_rate", r.samplingRate());
        privacy.put("steps", r.steps());
        privacy.put("clip_norm", r.clipNorm());
        privacy.put("accountant", r.accountant());
        privacy.put("adjacency", "add or remove one example");
        privacy.put("not_covered", r.notCovered());
        json.putPOJO("classes", all.classes());
        json.putPOJO("features", all.features());
        ArrayNode params = json.putArray("parameters");
        for (double p : result.parameters()) {
            params.add(p);
        }
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
}
