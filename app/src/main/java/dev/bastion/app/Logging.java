package dev.bastion.app;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log records on standard error. Logs never contain prompts, answers or keys. */
final class Logging {
    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        HELIDON.setLevel(Level.WARNING);
    }
}
