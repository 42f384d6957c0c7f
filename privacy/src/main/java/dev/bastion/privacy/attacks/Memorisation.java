package dev.bastion.privacy.attacks;

import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * How much of one of the operator's records a language model has memorised, by the scores of the literature. Each
 * score is larger for a record the model knows better, so they rank records the same way and feed one ROC when
 * members and non-members are labelled.
 *
 * <ul>
 *   <li>log-likelihood per token (Yeom et al. 2018, as used by Carlini et al. 2021);</li>
 *   <li>zlib ratio (Carlini et al. 2021, section 6.1): the log-likelihood in bits over the zlib-compressed length
 *       in bits, the model's surprise against a generic compressor's, so that text that is merely repetitive does
 *       not look memorised (the paper divides log-perplexity by zlib entropy; this is its negation);</li>
 *   <li>Min-K% (Shi et al. 2024) and Min-K%++ (Zhang et al. 2024), over the lowest {@code k} of the tokens;</li>
 *   <li>greedy extraction (Carlini et al. 2021; Nasr et al. 2023): given the first {@code prefix} tokens, greedy
 *       decoding reproduces how many of the following ones before its first mismatch.</li>
 * </ul>
 *
 * @param tokens tokens of the record scored (after the first, which has no context)
 * @param logLikelihoodPerToken mean ln p per scored token (nats)
 * @param zlibRatio log-likelihood (bits) / zlib length of the UTF-8 text (bits)
 * @param minK Min-K% (mean ln p of the lowest k)
 * @param minKPlusPlus Min-K%++ (mean standardised score of the lowest k)
 * @param prefixTokens tokens given to greedy decoding
 * @param suffixTokens tokens greedy decoding had to reproduce
 * @param extractedTokens tokens reproduced exactly before the first mismatch
 */
public record Memorisation(int tokens, double logLikelihoodPerToken, double zlibRatio, double minK,
        double minKPlusPlus, int prefixTokens, int suffixTokens, int extractedTokens) {

    public Memorisation {
        if (tokens < 1 || prefixTokens < 1 || suffixTokens < 0 || extractedTokens < 0
                || extractedTokens > suffixTokens) {
            throw new IllegalArgumentException("inconsistent memorisation counts: " + tokens + " tokens, prefix "
                    + prefixTokens + ", suffix " + suffixTokens + ", extracted " + extractedTokens);
        }
    }

    /** Whether greedy decoding reproduced the whole suffix. */
    public boolean extracted() {
        return suffixTokens > 0 && extractedTokens == suffixTokens;
    }

    /**
     * Probes one record: {@code tokens} are its tokens (with the beginning-of-text token when the model wants
     * one), {@code text} its text (for the zlib length only); greedy decoding gets the first {@code prefix} tokens,
     * or half of the record when it is shorter than twice that.
     */
    public static Memorisation probe(NextTokenModel model, int[] tokens, String text, double k, int prefix) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("a record needs at least two tokens to be scored, had "
                    + tokens.length);
        }
        if (prefix < 1) {
            throw new IllegalArgumentException("the extraction prefix must be at least one token, was " + prefix);
        }
        TokenScores s = TokenScores.of(model, tokens, 1);
        double bits = s.logLikelihood() / Math.log(2);
        double zlibBits = 8.0 * zlibLength(text.getBytes(StandardCharsets.UTF_8));
        int p = Math.max(1, Math.min(prefix, tokens.length / 2));
        int extracted = greedyMatch(model, tokens, p);
        return new Memorisation(s.count(), s.meanLogProb(), bits / zlibBits, s.minK(k), s.minKPlusPlus(k), p,
                tokens.length - p, extracted);
    }

    /** Greedy-decodes after {@code tokens[0, prefix)}; returns how many of the following tokens it reproduces. */
    static int greedyMatch(NextTokenModel model, int[] tokens, int prefix) {
        int keep = Math.min(TokenScores.commonPrefix(model.tokens(), tokens), prefix - 1);
        model.truncate(keep);
        float[] logits = null;
        for (int i = keep; i < prefix; i++) {
            logits = model.push(tokens[i]);
        }
        int matched = 0;
        for (int i = prefix; i < tokens.length; i++) {
            if (TokenScores.argmax(logits) != tokens[i]) {
                break;
            }
            matched++;
            if (i + 1 < tokens.length) {
                logits = model.push(tokens[i]);
            }
        }
        return matched;
    }

    /** Bytes zlib (deflate, best compression) needs for {@code data}. */
    static int zlibLength(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            byte[] buffer = new byte[Math.max(64, data.length + 64)];
            int n = 0;
            while (!d.finished()) {
                n += d.deflate(buffer);
            }
            return n;
        } finally {
            d.end();
        }
    }
}
