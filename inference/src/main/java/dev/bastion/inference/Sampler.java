package dev.bastion.inference;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses tokens from logits according to {@link SamplingParameters}. One instance per generation (it holds the
 * random stream); not thread-safe.
 */
final class Sampler {
    private final SamplingParameters p;
    private final RandomGenerator random;

    Sampler(SamplingParameters p) {
        this(p, new SplittableRandom(p.seed().orElseGet(() -> new SecureRandom().nextLong())));
    }

    Sampler(SamplingParameters p, RandomGenerator random) {
        this.p = p;
        this.random = random;
    }

    /**
     * The next token. {@code logits} is modified. {@code recent} holds the sequence so far, of which the last
     * {@code recentLength} entries are considered by the repetition penalty.
     */
    int sample(float[] logits, int[] recent, int recentLength) {
        for (var e : p.logitBias().entrySet()) {
            if (e.getKey() >= 0 && e.getKey() < logits.length) {
                logits[e.getKey()] += e.getValue();
            }
        }
        if (p.repetitionPenalty() != 1.0) {
            penalise(logits, recent, recentLength);
        }
        if (p.temperature() == 0) {
            return argmax(logits);
        }
        // Candidates sorted by logit, descending, truncated by top-k, top-p and min-p computed at temperature 1.
        int[] order = candidates(logits);
        if (order.length == 0) {
            return argmax(logits);
        }
        int keep = p.topK() > 0 ? Math.min(p.topK(), order.length) : order.length;
        double max = logits[order[0]];
        double[] prob = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            prob[i] = Math.exp(logits[order[i]] - max);
            sum += prob[i];
        }
        if (p.topP() < 1) {
            double mass = 0;
            for (int i = 0; i < keep; i++) {
                mass += prob[i] / sum;
                if (mass >= p.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (p.minP() > 0) {
            double floor = p.minP() * prob[0];
            int k = 1;
            while (k < keep && prob[k] >= floor) {
                k++;
            }
            keep = k;
        }
        // Temperature over the survivors, then one draw.
        double total = 0;
        double[] weight = new double[keep];
        for (int i = 0; i < keep; i++) {
            weight[i] = Math.exp((logits[order[i]] - max) / p.temperature());
            total += weight[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            r -= weight[i];
            if (r < 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private void penalise(float[] logits, int[] recent, int recentLength) {
        int from = Math.max(0, recentLength - p.repeatLastN());
        boolean[] seen = new boolean[logits.length];
        for (int i = from; i < recentLength; i++) {
            int t = recent[i];
            if (t >= 0 && t < logits.length && !seen[t]) {
                seen[t] = true;
                float l = logits[t];
                logits[t] = (float) (l > 0 ? l / p.repetitionPenalty() : l * p.repetitionPenalty());
            }
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Token ids by descending logit. Only tokens that can survive min-p are sorted when min-p is set (their logit is
     * at least max + ln(min_p)), so a 150k vocabulary is not sorted for every token.
     */
    private int[] candidates(float[] logits) {
        float max = logits[argmax(logits)];
        float floor = p.minP() > 0 ? max + (float) Math.log(p.minP()) - 1e-4f : Float.NEGATIVE_INFINITY;
        long[] keyed = new long[logits.length];
        int m = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] >= floor && logits[i] != Float.NEGATIVE_INFINITY) {
                // Sortable key: the float's order-preserving bits in the high word, the id in the low word.
                int bits = Float.floatToIntBits(logits[i]);
                bits = bits >= 0 ? bits : bits ^ 0x7fffffff;
                keyed[m++] = ((long) bits << 32) | (0xffffffffL & (Integer.MAX_VALUE - i));
            }
        }
        Arrays.sort(keyed, 0, m);
        int[] order = new int[m];
        for (int j = 0; j < m; j++) {
            order[j] = Integer.MAX_VALUE - (int) keyed[m - 1 - j];
        }
        return order;
    }
}
