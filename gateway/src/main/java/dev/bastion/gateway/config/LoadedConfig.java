package dev.bastion.gateway.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration with where each value came from.
 *
 * @param config the validated configuration
 * @param origins for each scalar key path (for example {@code server.port}, {@code models[0].name}): "default",
 *     "FILE:LINE", "env BASTION_...", or "flag"
 * @param file the config file that was read, if any
 */
public record LoadedConfig(GatewayConfig config, Map<String, String> origins, Optional<Path> file) {
    public LoadedConfig {
        origins = Map.copyOf(origins);
    }
}
