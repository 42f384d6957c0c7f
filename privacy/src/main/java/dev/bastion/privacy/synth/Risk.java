package dev.bastion.privacy.synth;

/**
 * An attack's result in the form Anonymeter reports it (Giomi et al. 2022, "A Unified Framework for Quantifying
 * Privacy Risk in Synthetic Data", PoPETs 2023): the attacker's success rate on records of the training data and on
 * records of a control set the generator never saw, and the risk R = (attack - control) / (1 - control): the share
 * of the attacker's possible gain over guessing that the synthetic data gives. Rates carry 95% Wilson intervals; the
 * risk interval combines the two rates' opposite ends, clipped to [0, 1].
 */
public record Risk(String attack, int attacks, double attackRate, double controlRate, double risk, double low,
        double high) {
    public Risk {
        if (attacks < 0 || !(low <= risk + 1e-12) || !(risk <= high + 1e-12)) {
            throw new IllegalArgumentException("a risk needs low <= risk <= high and a count of attacks");
        }
    }

    static Risk of(String attack, int successes, int controlSuccesses, int attacks) {
        if (attacks == 0) {
            return new Risk(attack, 0, 0, 0, 0, 0, 1);
        }
        double a = (double) successes / attacks;
        double c = (double) controlSuccesses / attacks;
        double[] ai = wilson(successes, attacks);
        double[] ci = wilson(controlSuccesses, attacks);
        double risk = clip(normalise(a, c));
        double low = Math.min(risk, clip(normalise(ai[0], ci[1])));
        double high = Math.max(risk, clip(normalise(ai[1], ci[0])));
        return new Risk(attack, attacks, a, c, risk, low, high);
    }

    private static double normalise(double attack, double control) {
        return control >= 1 ? 0 : (attack - control) / (1 - control);
    }

    private static double clip(double v) {
        return Math.clamp(v, 0.0, 1.0);
    }

    /** The 95% Wilson score interval of k successes in n trials. */
    static double[] wilson(int k, int n) {
        double z = 1.959963984540054;
        double p = (double) k / n;
        double den = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / den;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
