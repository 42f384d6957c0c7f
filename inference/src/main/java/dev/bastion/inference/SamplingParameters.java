package dev.bastion.inference;

import java.util.Map;
import java.util.OptionalLong;

/**
 * How the next token is chosen from the logits.
 *
 * <p>Order, as llama.cpp's default chain: logit bias, repetition penalty over the last {@code repeatLastN} tokens,
 * top-k, top-p, min-p, then temperature and a draw. A temperature of 0 is greedy (argmax). A {@code seed} makes the
 * draws reproducible; without one each generation draws its own seed.
 *
 * @param temperature 0 for greedy, else the softmax temperature (0 to 2, as OpenAI's API)
 * @param topP nucleus mass to keep, in (0, 1]; 1 keeps everything
 * @param topK candidates to keep; 0 keeps everything
 * @param minP drop tokens below minP times the best token's probability; 0 keeps everything
 * @param seed the draw's seed, if reproducibility is asked for
 * @param repetitionPenalty 1 for none; above 1 discourages recent tokens (logit / p when positive, × p when negative)
 * @param repeatLastN how many recent tokens the penalty looks at
 * @param logitBias token id to bias added to its logit (OpenAI's -100 to 100)
 */
public record SamplingParameters(double temperature, double topP, int topK, double minP, OptionalLong seed,
        double repetitionPenalty, int repeatLastN, Map<Integer, Float> logitBias) {

    public SamplingParameters {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be 0 (off) or positive, was " + topK);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1), was " + minP);
        }
        if (!(repetitionPenalty > 0 && repetitionPenalty <= 10)) {
            throw new IllegalArgumentException("repetition penalty must be in (0, 10], was " + repetitionPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat_last_n must not be negative, was " + repeatLastN);
        }
        logitBias = Map.copyOf(logitBias);
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            if (!(Math.abs(e.getValue()) <= 100)) {
                throw new IllegalArgumentException("logit bias for token " + e.getKey() + " must be between -100 and 100");
            }
        }
    }

    /** Greedy decoding: always the most likely token. */
    public static SamplingParameters greedy() {
        return new SamplingParameters(0, 1, 0, 0, OptionalLong.empty(), 1, 64, Map.of());
    }

    /** OpenAI's defaults: temperature 1, no truncation. */
    public static SamplingParameters defaults() {
        return new SamplingParameters(1, 1, 0, 0, OptionalLong.empty(), 1, 64, Map.of());
    }
}
