package dev.bastion.gateway.config;

import java.util.Objects;
import java.util.Set;

/**
 * The admin console's listener (keys under {@code console}): a second socket, named {@code admin}, on the gateway's
 * web server. Off the loopback interface the console is served only under TLS ({@code server.tls}), which the
 * gateway checks when it starts.
 *
 * @param enabled whether {@code bastion serve} opens the console at all
 * @param host interface to bind; 127.0.0.1 unless told otherwise
 * @param port TCP port; 0 picks a free one
 */
public record ConsoleSettings(boolean enabled, String host, int port) {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** On, on 127.0.0.1:8081. */
    public static final ConsoleSettings DEFAULTS = new ConsoleSettings(true, "127.0.0.1", 8081);

    public ConsoleSettings {
        Objects.requireNonNull(host, "console.host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("console.host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("console.port must be 0..65535, got " + port);
        }
    }

    /** Whether the console listens on the loopback interface only, where plain HTTP is allowed. */
    public boolean loopbackOnly() {
        return LOOPBACK.contains(host) || host.startsWith("127.");
    }
}
