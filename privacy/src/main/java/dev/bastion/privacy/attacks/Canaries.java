package dev.bastion.privacy.attacks;

import dev.bastion.privacy.train.TrainingData;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Canaries for the membership game: rows changed before anything is trained, so that how well an attack finds the
 * ones the target trained on measures what the training recipe memorises. Each canary, like every row, lands in
 * the target's half with probability 1/2.
 *
 * <p>Two recipes:
 * <ul>
 *   <li>{@link Recipe#MISLABELLED}: every canary gets a wrong label, drawn uniformly from the other classes. A
 *       model that memorises flips its answer on the canaries it trained on, and on the others the rest of the data
 *       contradicts the label: the easiest canaries to audit, and easy for a global loss threshold too (a
 *       recipe that memorises every canary gives the loss attack the same AUC of 1.0 as LiRA).</li>
 *   <li>{@link Recipe#GRADED}: canaries of varying difficulty, one kind in turn (canary j is kind j mod 4): a wrong
 *       label; or the true label with Gaussian noise on every feature of 0.5, 1 or 2 times that feature's standard
 *       deviation over the rows (a feature that never varies gets none).</li>
 * </ul>
 *
 * <p>This class is stateless; {@link Planted} is immutable in use (its arrays are not copied).
 */
public final class Canaries {

    /* Why the graded recipe (Carlini et al. 2022, "Membership Inference Attacks From First Principles", sections
     * 3-4 and figure 3): examples differ in how confident a model is on them when it did NOT train on them. A
     * global threshold on the loss (Yeom et al. 2018) mistakes an easy non-member, which any model gets right, for
     * a member, and misses a hard member that even training on it does not fully fit; LiRA compares the target's
     * confidence with the same example's confidences under models that did and did not train on it, so each
     * example gets its own threshold. That advantage is shown only on a canary set whose difficulty varies: with
     * mislabelled canaries alone every non-member canary is hard and every member canary memorised, and the loss
     * separates them as well as LiRA. Noise of graded strength with the label kept gives canaries from nearly
     * typical (0.5 sd: most models classify them right whether or not they trained on them) to atypical (2 sd:
     * the label is only weakly implied by the features, and an unseen one gets an arbitrary, example-specific
     * confidence); the mislabelled quarter stays as the strongly contradicted end. Auditing practice (Jagielski
     * et al. 2020; Steinke, Nasr and Jagielski 2023, "Privacy auditing with one training run") uses many canaries,
     * each included with probability 1/2, so that one run gives many independent guesses.
     */

    /** How canaries are made. */
    public enum Recipe {
        MISLABELLED,
        GRADED;

        /** The recipe named {@code name} (case-insensitive: mislabelled, graded). */
        public static Recipe parse(String name) {
            for (Recipe r : values()) {
                if (r.name().equalsIgnoreCase(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown canary recipe '" + name + "' (use mislabelled or graded)");
        }
    }

    /** What was done to a row. {@link #NONE} for a row that is not a canary. */
    public enum Kind {
        NONE(0),
        MISLABELLED(0),
        NOISE_0_5(0.5),
        NOISE_1(1),
        NOISE_2(2);

        private final double noise;

        Kind(double noise) {
            this.noise = noise;
        }

        /** Noise standard deviation in units of each feature's standard deviation; 0 when none is added. */
        public double noise() {
            return noise;
        }

        /** The slice name used in reports, e.g. {@code mislabelled}, {@code noise-0.5}. */
        public String slice() {
            return switch (this) {
                case NONE -> "none";
                case MISLABELLED -> "mislabelled";
                case NOISE_0_5 -> "noise-0.5";
                case NOISE_1 -> "noise-1";
                case NOISE_2 -> "noise-2";
            };
        }
    }

    /**
     * The data with its canaries planted.
     *
     * @param data the rows the game trains and scores on (unchanged rows share their arrays with the original)
     * @param kind per row, what was done to it
     */
    public record Planted(TrainingData data, Kind[] kind) {
        public Planted {
            Objects.requireNonNull(data, "data");
            if (kind.length != data.size()) {
                throw new IllegalArgumentException("one kind per row");
            }
        }

        /** Whether each row is a canary. */
        public boolean[] canary() {
            boolean[] c = new boolean[kind.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = kind[i] != Kind.NONE;
            }
            return c;
        }
    }

    private Canaries() {
    }

    /**
     * Plants {@code count} canaries (at most every row) on the first rows of a shuffle drawn from {@code random}.
     * For {@link Recipe#MISLABELLED} the draws are those the game made before graded canaries existed, so its
     * results are unchanged.
     */
    public static Planted plant(TrainingData original, Recipe recipe, int count, SplittableRandom random) {
        if (count < 0) {
            throw new IllegalArgumentException("no negative canary count");
        }
        int n = original.size();
        int classes = original.classes().size();
        int[] labels = original.y().clone();
        double[][] x = original.x().clone();
        Kind[] kind = new Kind[n];
        java.util.Arrays.fill(kind, Kind.NONE);
        double[] sd = recipe == Recipe.GRADED ? standardDeviations(original.x()) : new double[0];
        int[] order = TrainingData.shuffledIndices(n, random);
        for (int j = 0; j < Math.min(count, n); j++) {
            int r = order[j];
            Kind k = recipe == Recipe.MISLABELLED ? Kind.MISLABELLED : switch (j % 4) {
                case 0 -> Kind.MISLABELLED;
                case 1 -> Kind.NOISE_0_5;
                case 2 -> Kind.NOISE_1;
                default -> Kind.NOISE_2;
            };
            kind[r] = k;
            if (k == Kind.MISLABELLED) {
                labels[r] = (labels[r] + 1 + random.nextInt(classes - 1)) % classes;
            } else {
                double[] row = x[r].clone();
                for (int f = 0; f < row.length; f++) {
                    row[f] += k.noise() * sd[f] * random.nextGaussian();
                }
                x[r] = row;
            }
        }
        return new Planted(new TrainingData(x, labels, original.classes(), original.features()), kind);
    }

    /** Each feature's standard deviation over the rows (population formula). */
    static double[] standardDeviations(double[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int f = 0; f < d; f++) {
                mean[f] += row[f];
            }
        }
        for (int f = 0; f < d; f++) {
            mean[f] /= x.length;
        }
        double[] sd = new double[d];
        for (double[] row : x) {
            for (int f = 0; f < d; f++) {
                double e = row[f] - mean[f];
                sd[f] += e * e;
            }
        }
        for (int f = 0; f < d; f++) {
            sd[f] = Math.sqrt(sd[f] / x.length);
        }
        return sd;
    }
}
