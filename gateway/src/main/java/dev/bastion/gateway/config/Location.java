package dev.bastion.gateway.config;

import java.util.Locale;

/** Where a model runs: on this machine, or somewhere data leaves the machine to reach. */
public enum Location {
    LOCAL, CLOUD;

    private final String configName = name().toLowerCase(Locale.ROOT);

    public static Location fromConfig(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "cloud" -> CLOUD;
            default -> throw new IllegalArgumentException("unknown location '" + value + "'; expected local or cloud");
        };
    }

    /** The name as configuration writes it ({@code local}, {@code cloud}); kept, not lower-cased per call. */
    public String configName() {
        return configName;
    }
}
