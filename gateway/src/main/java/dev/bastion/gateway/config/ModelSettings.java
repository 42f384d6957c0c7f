package dev.bastion.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One model clients can call (an entry of {@code models}).
 *
 * @param name the name clients send in {@code model}
 * @param backend {@code openai} (any OpenAI-compatible upstream), {@code anthropic} (an Anthropic Messages API
 *     upstream) or {@code local} (Bastion's own engine)
 * @param baseUrl upstream base URL, such as {@code https://api.openai.com/v1} (openai backend) or
 *     {@code https://api.anthropic.com} (anthropic backend, the default there)
 * @param apiKey where the upstream credential comes from, if the upstream needs one
 * @param upstreamModel the model name sent upstream; defaults to {@code name}
 * @param location where the data goes; a {@code cloud} model is never used by a local-only route
 * @param path model file (local backend)
 * @param connectTimeout upstream connect timeout
 * @param readTimeout longest wait for the upstream's first byte and between streamed chunks
 * @param maxRetries retries of a request that failed before the upstream saw it (connect errors, 502/503)
 * @param kind what the model answers: {@code chat} (chat completions) or {@code embeddings} ({@code /v1/embeddings},
 *     openai backend only)
 * @param anthropicVersion the {@code anthropic-version} header (anthropic backend)
 * @param maxTokens the {@code max_tokens} sent to an anthropic upstream when the request names none (the Messages
 *     API requires it)
 * @param pool the base URLs of several servers of the same model (openai backend, chat), among which each request
 *     goes to one (see {@code backend.ModelPool}); empty for one server. {@code baseUrl} is then the first of them.
 */
public record ModelSettings(String name, String backend, Optional<URI> baseUrl, Optional<SecretRef> apiKey,
        String upstreamModel, Location location, Optional<Path> path, Duration connectTimeout, Duration readTimeout,
        int maxRetries, Kind kind, String anthropicVersion, int maxTokens, List<URI> pool) {

    /** The most servers one pool may list. */
    public static final int MAX_POOL = 64;

    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";
    public static final String LOCAL = "local";
    public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";
    public static final URI DEFAULT_ANTHROPIC_URL = URI.create("https://api.anthropic.com");
    public static final int DEFAULT_MAX_TOKENS = 4096;

    /** What a model answers. */
    public enum Kind {
        CHAT, EMBEDDINGS;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromConfig(String value) {
            return switch (value) {
                case "chat" -> CHAT;
                case "embeddings" -> EMBEDDINGS;
                default -> throw new IllegalArgumentException("unknown kind '" + value + "'; expected chat or embeddings");
            };
        }
    }

    /** A model served by one server (no pool). */
    public ModelSettings(String name, String backend, Optional<URI> baseUrl, Optional<SecretRef> apiKey,
            String upstreamModel, Location location, Optional<Path> path, Duration connectTimeout, Duration readTimeout,
            int maxRetries, Kind kind, String anthropicVersion, int maxTokens) {
        this(name, backend, baseUrl, apiKey, upstreamModel, location, path, connectTimeout, readTimeout, maxRetries, kind,
                anthropicVersion, maxTokens, List.of());
    }

    /** The same model, sent to one server of its pool with no retries of its own (the pool fails over instead). */
    public ModelSettings onServer(URI server) {
        return new ModelSettings(name, backend, Optional.of(server), apiKey, upstreamModel, location, path, connectTimeout,
                readTimeout, 0, kind, anthropicVersion, maxTokens, List.of());
    }

    /** A chat model with the default Anthropic settings (which only an anthropic backend reads). */
    public ModelSettings(String name, String backend, Optional<URI> baseUrl, Optional<SecretRef> apiKey,
            String upstreamModel, Location location, Optional<Path> path, Duration connectTimeout, Duration readTimeout,
            int maxRetries) {
        this(name, backend, baseUrl, apiKey, upstreamModel, location, path, connectTimeout, readTimeout, maxRetries,
                Kind.CHAT, DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS);
    }

    public ModelSettings {
        Objects.requireNonNull(name, "models[].name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("models[].name must not be empty");
        }
        String key = "models[" + name + "]";
        Objects.requireNonNull(backend, key + ".backend");
        Objects.requireNonNull(baseUrl, key + ".base-url");
        Objects.requireNonNull(apiKey, key + ".api-key-env");
        Objects.requireNonNull(upstreamModel, key + ".upstream-model");
        Objects.requireNonNull(location, key + ".location");
        Objects.requireNonNull(path, key + ".path");
        ServerSettings.requirePositive(connectTimeout, key + ".connect-timeout");
        ServerSettings.requirePositive(readTimeout, key + ".read-timeout");
        if (maxRetries < 0 || maxRetries > 5) {
            throw new IllegalArgumentException(key + ".max-retries must be 0..5, got " + maxRetries);
        }
        Objects.requireNonNull(kind, key + ".kind");
        Objects.requireNonNull(anthropicVersion, key + ".anthropic-version");
        if (!anthropicVersion.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            throw new IllegalArgumentException(key + ".anthropic-version must be a date such as "
                    + DEFAULT_ANTHROPIC_VERSION + ", got '" + anthropicVersion + "'");
        }
        if (maxTokens < 1 || maxTokens > 1_000_000) {
            throw new IllegalArgumentException(key + ".max-tokens must be 1..1000000, got " + maxTokens);
        }
        pool = List.copyOf(Objects.requireNonNull(pool, key + ".pool"));
        if (!pool.isEmpty()) {
            if (!backend.equals(OPENAI) || kind != Kind.CHAT) {
                throw new IllegalArgumentException(key + ".pool is for chat models of backend openai (OpenAI-compatible "
                        + "servers such as llama.cpp, vLLM, Ollama or another Bastion)");
            }
            if (pool.size() > MAX_POOL || new java.util.HashSet<>(pool).size() != pool.size()) {
                throw new IllegalArgumentException(key + ".pool must list 1 to " + MAX_POOL + " distinct base URLs");
            }
            if (!baseUrl.equals(Optional.of(pool.getFirst()))) {
                throw new IllegalArgumentException(key + ": give either base-url or pool, not both");
            }
            for (URI server : pool) {
                if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
                    throw new IllegalArgumentException(key + ".pool entries must be http or https URLs");
                }
            }
        }
        if (kind == Kind.EMBEDDINGS && !backend.equals(OPENAI)) {
            throw new IllegalArgumentException(key + ".kind: embeddings models must use backend openai (an "
                    + "OpenAI-compatible /embeddings endpoint); the built-in local embedding model is configured under "
                    + "embeddings:");
        }
        switch (backend) {
            case OPENAI, ANTHROPIC -> {
                URI url = baseUrl.orElseThrow(() -> new IllegalArgumentException(key + ".base-url is required for backend "
                        + backend));
                if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                    throw new IllegalArgumentException(key + ".base-url must be an http or https URL");
                }
            }
            case LOCAL -> {
                if (location != Location.LOCAL) {
                    throw new IllegalArgumentException(key + ".location must be local for backend local");
                }
            }
            default -> throw new IllegalArgumentException(key + ".backend: unknown backend '" + backend
                    + "'; expected openai, anthropic or local");
        }
    }
}
