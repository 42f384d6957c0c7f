package dev.bastion.gateway.config;

import java.util.Locale;

/** What a route keeps of its conversations. */
public enum Storage {
    /** Nothing ("no data saved"): the default. */
    OFF,
    /** Who, when, which model and how many tokens; no text. */
    METADATA,
    /** Metadata and the messages and answer, encrypted with the data subject's key. */
    CONTENT;

    public static Storage fromConfig(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off", "false", "no" -> OFF; // YAML 1.1 reads an unquoted off as false
            case "metadata" -> METADATA;
            case "content" -> CONTENT;
            default -> throw new IllegalArgumentException("unknown storage '" + value + "'; expected off, metadata or content");
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
