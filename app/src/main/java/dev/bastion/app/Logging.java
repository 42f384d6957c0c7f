package dev.bastion.app;

import dev.bastion.gateway.config.TelemetrySettings;
import dev.bastion.gateway.telemetry.JsonLogFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Log records on standard error: one line of text each, or one JSON object per line ({@code logging.format: json}
 * or {@code serve --log-format json}). Logs never contain prompts, answers or keys.
 */
final class Logging {
    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger ROOT = Logger.getLogger("");

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        HELIDON.setLevel(Level.WARNING);
    }

    /** Writes every record of the root logger's handlers in {@code format} from now on. */
    static void use(TelemetrySettings.LogFormat format) {
        if (format == TelemetrySettings.LogFormat.TEXT) {
            return; // the handlers' text formatter, set up by configure()
        }
        Formatter json = new JsonLogFormatter();
        for (Handler h : ROOT.getHandlers()) {
            h.setFormatter(json);
        }
    }
}
