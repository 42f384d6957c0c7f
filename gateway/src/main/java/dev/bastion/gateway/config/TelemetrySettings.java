package dev.bastion.gateway.config;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Traces and logs (keys under {@code telemetry} and {@code logging}).
 *
 * @param otlpEndpoint where spans are exported with OTLP/HTTP ({@code http://host:4318}; {@code /v1/traces} is
 *     added unless the URL already ends with it); empty: no export, and the tracer is a no-op
 * @param serviceName the {@code service.name} resource attribute of exported spans
 * @param samplingRatio the share of new traces recorded (0 to 1); a trace the client started keeps its client's
 *     sampling decision
 * @param logFormat how log records are written on standard error
 */
public record TelemetrySettings(Optional<URI> otlpEndpoint, String serviceName, double samplingRatio, LogFormat logFormat) {

    /** How log records are written. */
    public enum LogFormat {
        /** One line of text per record. */
        TEXT,
        /** One JSON object per line. */
        JSON;

        public static LogFormat fromConfig(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException("unknown log format '" + value + "'; expected text or json");
            };
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Tracing off, text logs. */
    public static final TelemetrySettings DEFAULTS = new TelemetrySettings(Optional.empty(), "bastion", 1.0, LogFormat.TEXT);

    public TelemetrySettings {
        Objects.requireNonNull(otlpEndpoint, "telemetry.otlp-endpoint");
        Objects.requireNonNull(serviceName, "telemetry.service-name");
        Objects.requireNonNull(logFormat, "logging.format");
        otlpEndpoint.ifPresent(u -> {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("telemetry.otlp-endpoint must be an http or https URL, got scheme '"
                        + u.getScheme() + "'");
            }
        });
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("telemetry.service-name must not be empty");
        }
        if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
            throw new IllegalArgumentException("telemetry.sampling-ratio must be from 0 to 1, got " + samplingRatio);
        }
    }

    /** The URL spans are posted to, when exporting. */
    public Optional<URI> tracesUrl() {
        return otlpEndpoint.map(u -> {
            String s = u.toString();
            if (s.endsWith("/v1/traces")) {
                return u;
            }
            return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/v1/traces");
        });
    }
}
