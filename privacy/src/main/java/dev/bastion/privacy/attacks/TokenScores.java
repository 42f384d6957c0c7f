package dev.bastion.privacy.attacks;

import java.util.Arrays;

/**
 * The per-token evidence of memorisation for one token sequence, from the position {@code start} on (the tokens
 * before it are context only): each token's log-probability, and the same standardised by the distribution it was
 * drawn from (Min-K%++).
 *
 * @param logProb ln p(x_t | x_<t) per scored token
 * @param standardised (ln p(x_t) - mu_t) / sigma_t with mu_t = E_z[ln p(z)] and sigma_t^2 = Var_z[ln p(z)] under
 *     the model's own distribution p at position t (Zhang et al. 2024, "Min-K%++", eq. 3)
 */
public record TokenScores(double[] logProb, double[] standardised) {

    public TokenScores {
        if (logProb.length != standardised.length) {
            throw new IllegalArgumentException("log-probabilities and standardised scores differ in length: "
                    + logProb.length + " and " + standardised.length);
        }
        logProb = logProb.clone();
        standardised = standardised.clone();
    }

    @Override
    public double[] logProb() {
        return logProb.clone();
    }

    @Override
    public double[] standardised() {
        return standardised.clone();
    }

    public int count() {
        return logProb.length;
    }

    /** Sum of the log-probabilities (nats). */
    public double logLikelihood() {
        double s = 0;
        for (double v : logProb) {
            s += v;
        }
        return s;
    }

    /** Mean log-probability per token (nats); NaN with no token scored. */
    public double meanLogProb() {
        return count() == 0 ? Double.NaN : logLikelihood() / count();
    }

    /** Min-K% (Shi et al. 2024): the mean of the lowest {@code k} fraction of the token log-probabilities. */
    public double minK(double k) {
        return lowestMean(logProb, k);
    }

    /** Min-K%++ (Zhang et al. 2024): the mean of the lowest {@code k} fraction of the standardised scores. */
    public double minKPlusPlus(double k) {
        return lowestMean(standardised, k);
    }

    static double lowestMean(double[] values, double k) {
        if (!(k > 0 && k <= 1)) {
            throw new IllegalArgumentException("k must be in (0, 1], was " + k);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = Math.max(1, (int) Math.ceil(k * sorted.length));
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += sorted[i];
        }
        return s / n;
    }

    /**
     * Scores {@code tokens[start..]} under {@code model}, reusing the cached prefix the model already holds. The
     * first token has no context, so {@code start} is at least 1.
     */
    public static TokenScores of(NextTokenModel model, int[] tokens, int start) {
        if (start < 1 || start > tokens.length) {
            throw new IllegalArgumentException("start must be in [1, " + tokens.length + "], was " + start);
        }
        if (tokens.length > model.capacity()) {
            throw new IllegalArgumentException("a sequence of " + tokens.length + " tokens does not fit the "
                    + "model's " + model.capacity() + "; raise --context or shorten the record");
        }
        int keep = Math.min(commonPrefix(model.tokens(), tokens), start - 1);
        model.truncate(keep);
        double[] lp = new double[tokens.length - start];
        double[] z = new double[lp.length];
        for (int i = keep; i < tokens.length - 1; i++) {
            float[] logits = model.push(tokens[i]);
            if (i + 1 >= start) {
                standardise(logits, tokens[i + 1], lp, z, i + 1 - start);
            }
        }
        return new TokenScores(lp, z);
    }

    private static void standardise(float[] logits, int token, double[] lp, double[] z, int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        double mu = 0;
        double second = 0;
        for (float v : logits) {
            double l = v - logZ;
            double p = Math.exp(l);
            mu += p * l;
            second += p * l * l;
        }
        double sigma = Math.sqrt(Math.max(0, second - mu * mu));
        lp[at] = logits[token] - logZ;
        z[at] = sigma > 1e-12 ? (lp[at] - mu) / sigma : 0;
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** The index of the largest logit (the first one on a tie). */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
