package dev.bastion.app;

import dev.bastion.privacy.attacks.MembershipInference;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The training recipe an assessment trains its target (and reference models) with: the options of `bastion train`. */
final class RecipeOptions {
    @Option(names = "--model", defaultValue = "logreg", description = "logreg (default) or mlp.")
    String model;

    @Option(names = "--hidden", defaultValue = "64", description = "Hidden units of the MLP (default 64).")
    int hidden;

    @Option(names = "--epsilon", defaultValue = "inf", description = "The recipe's epsilon, or inf (default).")
    String epsilon;

    @Option(names = "--delta", defaultValue = "1e-5")
    double delta;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.5")
    double learningRate;

    @Option(names = "--clip", defaultValue = "1.0")
    double clip;

    double epsilonValue() {
        return "inf".equalsIgnoreCase(epsilon.strip()) ? Double.POSITIVE_INFINITY : Double.parseDouble(epsilon);
    }

    MembershipInference.Recipe recipe() {
        String shape = model.strip().toLowerCase(Locale.ROOT);
        if (!shape.equals("logreg") && !shape.equals("mlp")) {
            throw new IllegalArgumentException("--model is logreg or mlp");
        }
        DpSgd.Settings settings = new DpSgd.Settings(epochs, batchSize, learningRate, 0.9, clip, epsilonValue(),
                delta);
        return new MembershipInference.Recipe() {
            @Override
            public Model model(TrainingData d) {
                return shape.equals("mlp") ? new Mlp(d.dimensions(), hidden, d.classes().size())
                        : new LogisticRegression(d.dimensions(), d.classes().size());
            }

            @Override
            public DpSgd.Settings settings() {
                return settings;
            }
        };
    }

    /** Trains the recipe's model on {@code data}; {@code seed} drives sampling and noise (for assessments only). */
    double[] train(Model m, TrainingData data, long seed) {
        return DpSgd.train(m, data, recipe().settings(), new java.util.SplittableRandom(seed),
                dev.bastion.privacy.dp.DpRandom.insecureSeeded(seed + 1)).parameters();
    }

    /** Writes the recipe into an assessment's {@code model} section. */
    void describe(Assessment a, TrainingData all) {
        var m = a.root().putObject("model");
        m.put("trainer", "dp-sgd");
        m.put("model", recipe().model(all).describe());
        double eps = epsilonValue();
        if (Double.isFinite(eps)) {
            m.put("epsilon", eps);
        } else {
            m.put("epsilon", "inf");
        }
        m.put("delta", delta);
        a.options().put("epochs", epochs).put("batch_size", batchSize).put("learning_rate", learningRate)
                .put("clip", clip);
    }
}
