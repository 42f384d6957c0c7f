package dev.bastion.privacy.fl;

import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Model poisoning by malicious clients, for experiments: a fixed set of clients replaces its honest update every
 * round, by {@link Attack#SCALE10} (the update times 10, the boosting of Bhagoji et al. 2019 and Bagdasaryan et al.
 * 2020), {@link Attack#SIGN_FLIP} (the update times -1, as in Li et al. 2019 and Fang et al. 2020) or both
 * ({@link Attack#SIGN_FLIP_SCALE10}, times -10). On a convex model an honest update boosted or flipped alone mostly
 * changes the step size (1 of 10 boosted by 10 makes the mean 1.9 times the honest one; flipped, 0.8 times), so the
 * combination is the one that reverses the mean ((9 - 10)/10 = -0.1 times).
 *
 * @param fraction the share of clients that attack, or (when at least 1) their number
 */
public record Poisoning(double fraction, Attack attack) {

    public enum Attack {
        SCALE10(10), SIGN_FLIP(-1), SIGN_FLIP_SCALE10(-10);

        final double factor;

        Attack(double factor) {
            this.factor = factor;
        }
    }

    public Poisoning {
        if (!(fraction > 0) || Double.isInfinite(fraction) || (fraction >= 1 && fraction != Math.rint(fraction))) {
            throw new IllegalArgumentException("the malicious share must be a fraction in (0, 1) or a whole count");
        }
    }

    /** Parses {@code F:scale10}, {@code F:signflip} or {@code F:signflip-scale10}. */
    public static Poisoning parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--malicious is F:scale10, F:signflip or F:signflip-scale10, got '" + spec + "'");
        }
        Attack attack = switch (spec.substring(colon + 1).strip().toLowerCase(Locale.ROOT)) {
            case "scale10" -> Attack.SCALE10;
            case "signflip" -> Attack.SIGN_FLIP;
            case "signflip-scale10" -> Attack.SIGN_FLIP_SCALE10;
            default -> throw new IllegalArgumentException("the attack is scale10, signflip or signflip-scale10, got '"
                    + spec.substring(colon + 1) + "'");
        };
        return new Poisoning(Double.parseDouble(spec.substring(0, colon).strip()), attack);
    }

    /** How many of {@code clients} attack: the count, or the fraction rounded, at least one. */
    public int count(int clients) {
        int k = fraction >= 1 ? (int) fraction : (int) Math.round(fraction * clients);
        if (k > clients) {
            throw new IllegalArgumentException("more attackers than clients");
        }
        return Math.max(1, k);
    }

    /** Which clients (0-based) attack: a uniformly random set of {@link #count} of them. */
    public boolean[] choose(int clients, RandomGenerator random) {
        int[] order = dev.bastion.privacy.train.TrainingData.shuffledIndices(clients, random);
        boolean[] bad = new boolean[clients];
        for (int i = 0; i < count(clients); i++) {
            bad[order[i]] = true;
        }
        return bad;
    }

    /** The malicious replacement for an honest update. */
    public double[] poison(double[] honest) {
        return Arrays.stream(honest).map(v -> attack.factor * v).toArray();
    }
}
