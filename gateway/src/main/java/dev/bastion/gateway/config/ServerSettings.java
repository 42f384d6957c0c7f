package dev.bastion.gateway.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Listener settings (keys under {@code server}).
 *
 * @param host interface to bind; 127.0.0.1 unless told otherwise
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes largest request body accepted; larger gets 413
 * @param maxConnections most TCP connections open at once; further ones wait in the accept queue
 * @param readTimeout how long a client may stall while sending its headers or body before it is disconnected
 * @param idleTimeout how long a connection may sit without a complete request line (idle keep-alive, or a client
 *     stalling before its request line) before it is closed
 * @param shutdownGrace how long a stopping server waits for in-flight requests
 * @param tls TLS settings, when a certificate is configured
 * @param upstreamClient the HTTP client for upstream model servers: auto or jdk
 * @param warmUpRequests chat requests sent through a private gateway before this one starts (0: none), so that the
 *     JIT has compiled the request path when the first client arrives ({@code WarmUp})
 */
public record ServerSettings(String host, int port, long maxBodyBytes, int maxConnections, Duration readTimeout, Duration idleTimeout,
        Duration shutdownGrace, Optional<TlsSettings> tls, String upstreamClient, int warmUpRequests) {
    public ServerSettings {
        if (warmUpRequests < 0) {
            throw new IllegalArgumentException("server.warm-up-requests must be >= 0, got " + warmUpRequests);
        }
        Objects.requireNonNull(host, "server.host");
        if (!"auto".equals(upstreamClient) && !"jdk".equals(upstreamClient)) {
            throw new IllegalArgumentException("server.upstream-client must be auto or jdk, got '" + upstreamClient + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server.port must be 0..65535, got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("server.max-body-size must be at least 1 KiB, got " + maxBodyBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("server.max-connections must be at least 1, got " + maxConnections);
        }
        requirePositive(readTimeout, "server.read-timeout");
        requirePositive(idleTimeout, "server.idle-timeout");
        Objects.requireNonNull(shutdownGrace, "server.shutdown-grace");
        Objects.requireNonNull(tls, "server.tls");
    }

    static void requirePositive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + d);
        }
    }
}
