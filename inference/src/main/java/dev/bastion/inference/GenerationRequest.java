package dev.bastion.inference;

import java.util.List;

/**
 * What to generate after a prompt.
 *
 * @param maxTokens the most tokens to generate (OpenAI's max_tokens / max_completion_tokens)
 * @param stop texts that end the generation; the stop text itself is not returned (at most 4, as OpenAI)
 * @param sampling how tokens are chosen
 */
public record GenerationRequest(int maxTokens, List<String> stop, SamplingParameters sampling) {
    public GenerationRequest {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max_tokens must be positive, was " + maxTokens);
        }
        stop = List.copyOf(stop);
        if (stop.size() > 4) {
            throw new IllegalArgumentException("at most 4 stop sequences, got " + stop.size());
        }
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop sequence must not be empty");
            }
        }
    }
}
