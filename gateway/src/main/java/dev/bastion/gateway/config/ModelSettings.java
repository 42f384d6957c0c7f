package dev.bastion.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One model clients can call (an entry of {@code models}).
 *
 * @param name the name clients send in {@code model}
 * @param backend {@code openai} (any OpenAI-compatible upstream) or {@code local} (Bastion's own engine)
 * @param baseUrl upstream base URL, such as {@code https://api.openai.com/v1} (openai backend)
 * @param apiKey where the upstream credential comes from, if the upstream needs one
 * @param upstreamModel the model name sent upstream; defaults to {@code name}
 * @param location where the data goes; a {@code cloud} model is never used by a local-only route
 * @param path model file (local backend)
 * @param connectTimeout upstream connect timeout
 * @param readTimeout longest wait for the upstream's first byte and between streamed chunks
 * @param maxRetries retries of a request that failed before the upstream saw it (connect errors, 502/503)
 */
public record ModelSettings(String name, String backend, Optional<URI> baseUrl, Optional<SecretRef> apiKey,
        String upstreamModel, Location location, Optional<Path> path, Duration connectTimeout, Duration readTimeout,
        int maxRetries) {

    public static final String OPENAI = "openai";
    public static final String LOCAL = "local";

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
        switch (backend) {
            case OPENAI -> {
                URI url = baseUrl.orElseThrow(() -> new IllegalArgumentException(key + ".base-url is required for backend openai"));
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
                    + "'; expected openai or local");
        }
    }
}
