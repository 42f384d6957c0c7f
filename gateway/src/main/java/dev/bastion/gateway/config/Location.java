package dev.bastion.gateway.config;

import java.util.Locale;

/** Where a model runs: on this machine, or somewhere data leaves the machine to reach. */
public enum Location {
    LOCAL, CLOUD;

    public static Location fromConfig(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "cloud" -> CLOUD;
            default -> throw new IllegalArgumentException("unknown location '" + value + "'; expected local or cloud");
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
