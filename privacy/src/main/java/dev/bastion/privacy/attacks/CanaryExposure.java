package dev.bastion.privacy.attacks;

import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Canary exposure (Carlini et al. 2019, "The Secret Sharer", definition 2): exposure = log2 |R| - log2 rank, where
 * rank is the canary's place (1 = first) when every secret of its format is ordered by log-perplexity given the
 * canary's prefix. A model that has memorised the canary ranks it first: exposure = log2 |R|, the maximum; a model
 * that has not ranks it anywhere: about 1.4 bits on average.
 *
 * <p>When the space has at most {@code exactLimit} secrets, every one is scored and the rank is exact. Otherwise
 * {@code samples} secrets are drawn uniformly and the rank is estimated as 1 + (fraction scoring lower) (|R| - 1)
 * (the sampling estimate of the paper's section 4.3, without its distribution fit). A sample resolves exposure to
 * about log2(samples) bits only: when no sampled secret scores lower, the point estimate is the maximum, and
 * {@code lowerBound} (from the Clopper-Pearson 95% upper bound of the fraction) says how much of it the sample
 * proves.
 *
 * @param exposure the exact or estimated exposure, in bits
 * @param lowerBound the exposure at the 95% upper bound of the rank (equal to {@code exposure} when exact)
 * @param maximum log2 |R|
 * @param rank the exact or estimated rank
 * @param candidates secrets scored besides the canary
 * @param exact whether every secret of the format was scored
 */
public record CanaryExposure(double exposure, double lowerBound, double maximum, double rank, long candidates,
        boolean exact) {

    public CanaryExposure {
        if (!(rank >= 1) || candidates < 0 || !(lowerBound <= exposure + 1e-9) || !(exposure <= maximum + 1e-9)) {
            throw new IllegalArgumentException("inconsistent exposure: rank " + rank + ", exposure " + exposure
                    + ", lower bound " + lowerBound + ", maximum " + maximum);
        }
    }

    /**
     * Measures the exposure of {@code prefix + secret} under {@code model}; {@code encode} turns a text into the
     * model's tokens (with its beginning-of-text token when it wants one).
     */
    public static CanaryExposure measure(NextTokenModel model, Function<String, int[]> encode, String prefix,
            String secret, int samples, long exactLimit, RandomGenerator random) {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the canary has no secret after its prefix");
        }
        SecretFormat format = SecretFormat.of(secret);
        int[] prefixTokens = encode.apply(prefix);
        double canary = logPerplexity(model, encode, prefixTokens, prefix + secret);
        long size = format.size();
        double maximum = format.log2Size();
        if (size <= exactLimit) {
            long lower = 0;
            for (long i = 0; i < size; i++) {
                String s = format.secret(i);
                if (!s.equals(secret) && logPerplexity(model, encode, prefixTokens, prefix + s) < canary) {
                    lower++;
                }
            }
            double e = maximum - log2(1 + lower);
            return new CanaryExposure(e, e, maximum, 1 + lower, size - 1, true);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("the secret space has " + size + " members, more than the exact "
                    + "limit " + exactLimit + "; sampling needs at least one candidate");
        }
        int lower = 0;
        for (int i = 0; i < samples; i++) {
            if (logPerplexity(model, encode, prefixTokens, prefix + format.sample(random)) < canary) {
                lower++;
            }
        }
        double spaceMinusOne = Math.pow(2, maximum) - 1;
        double rank = 1 + (double) lower / samples * spaceMinusOne;
        double upper = ClopperPearson.interval(lower, samples, 0.05)[1];
        double rankHigh = 1 + upper * spaceMinusOne;
        return new CanaryExposure(maximum - log2(rank), maximum - log2(rankHigh), maximum, rank, samples, false);
    }

    /** The canary's negative log-likelihood (nats) of the tokens after the prefix's own tokens. */
    static double logPerplexity(NextTokenModel model, Function<String, int[]> encode, int[] prefixTokens,
            String text) {
        int[] tokens = encode.apply(text);
        int start = Math.max(1, TokenScores.commonPrefix(prefixTokens, tokens));
        if (start >= tokens.length) {
            throw new IllegalArgumentException("the canary's secret adds no token to its prefix");
        }
        return -TokenScores.of(model, tokens, start).logLikelihood();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
