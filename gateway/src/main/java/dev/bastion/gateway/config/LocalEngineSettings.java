package dev.bastion.gateway.config;

/**
 * Bastion's own inference engine for {@code backend: local} models (keys under {@code local-engine}).
 *
 * @param contextSize tokens of prompt plus answer one sequence may hold (capped by each model's own context)
 * @param slots sequences one model generates at the same time (each holds its own key/value cache); with more than
 *     one, their forward passes run together in shared steps (continuous batching)
 * @param queueDepth requests that may wait for a slot; further ones get 429 with Retry-After
 * @param threads compute threads shared by all local models; 0 uses every core
 * @param maxTokens answer length when a request gives no max_tokens
 * @param lazy load each model on its first request instead of at start (the gateway is ready sooner; the first
 *     request to a model waits for its load and warm-up)
 * @param cacheType how each slot's key/value cache stores its numbers ({@code local-engine.cache-type})
 * @param weightCache whether the weights as the kernels lay them out are kept on disk ({@link
 *     GatewayConfig#weightCacheDir()}), written on a model's first load and mapped on later ones, instead of rebuilt in
 *     memory at every start ({@code local-engine.weight-cache})
 */
public record LocalEngineSettings(int contextSize, int slots, int queueDepth, int threads, int maxTokens,
        boolean lazy, dev.bastion.inference.KvCacheType cacheType, boolean weightCache) {
    /** {@code local-engine.load}: when models are loaded. */
    public static final String LOAD_AT_START = "start";
    public static final String LOAD_LAZILY = "lazy";

    public LocalEngineSettings {
        if (contextSize < 16 || contextSize > 1 << 20) {
            throw new IllegalArgumentException("local-engine.context-size must be 16..1048576, got " + contextSize);
        }
        if (slots < 1 || slots > 64) {
            throw new IllegalArgumentException("local-engine.slots must be 1..64, got " + slots);
        }
        if (queueDepth < 0 || queueDepth > 10_000) {
            throw new IllegalArgumentException("local-engine.queue-depth must be 0..10000, got " + queueDepth);
        }
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException("local-engine.threads must be 0..1024, got " + threads);
        }
        java.util.Objects.requireNonNull(cacheType, "cacheType");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("local-engine.max-tokens must be positive, got " + maxTokens);
        }
    }
}
