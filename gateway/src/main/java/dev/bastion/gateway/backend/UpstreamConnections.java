package dev.bastion.gateway.backend;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The kept-alive HTTP/1.1 connections of one {@link WebClient} to plain-HTTP upstreams, handed to each request
 * explicitly ({@code request.connection(...)}); Helidon speaks the protocol on them, this class only keeps them.
 * Per upstream (host and port) at most {@link #MAX_IDLE} idle connections are kept, newest first; one idle longer
 * than {@link #MAX_IDLE_TIME} is closed instead of reused. Thread-safe.
 *
 * <p>Why not WebClient's own connection cache: it hands every returned connection to a new virtual thread that
 * reads it with a 101 ms socket timeout, to notice a server's close at once. An idle connection therefore costs a
 * {@code SocketTimeoutException} (with its stack trace) every 101 ms for as long as the read timeout (minutes),
 * and a busy one costs a thread start, a 1-byte read and a hand-off of the answer's first byte per request (the
 * largest allocation site of a paced benchmark run, docs/benchmarks.md, "Gateway overhead"). Here an idle
 * connection is a socket and nothing else. What the monitor bought, noticing a close by the server, is done
 * differently: a connection idle longer than {@link #MAX_IDLE_TIME} (below the 5 s keep-alive of uvicorn,
 * Node and llama.cpp's server) is not reused, an answer with {@code Connection: close} closes it (Helidon), and a
 * reused connection found closed before any byte of an answer is retried once on a new one ({@link
 * HelidonUpstream}).
 */
final class UpstreamConnections implements AutoCloseable {
    /** The most idle connections kept per upstream; a connection released beyond that is closed. */
    static final int MAX_IDLE = 64;
    /** The longest a connection stays idle and still gets reused. */
    static final Duration MAX_IDLE_TIME = Duration.ofSeconds(4);
    private static final Tls NO_TLS = Tls.builder().enabled(false).build();
    private static final List<String> HTTP1 = List.of("http/1.1");

    /** A connection for one exchange; {@code reused} when it served an earlier one (it may have been closed since). */
    record Lease(TcpClientConnection connection, boolean reused) {
        Lease {
            Objects.requireNonNull(connection, "connection");
        }
    }

    private record Endpoint(String host, int port) {
    }

    private record Idle(TcpClientConnection connection, long since) {
    }

    /** The idle connections to one upstream, newest first; guarded by itself. */
    private record Pool(ConnectionKey key, ArrayDeque<Idle> idle) {
    }

    private final WebClient client;
    private final int maxIdle;
    private final long maxIdleNanos;
    private final LongSupplier nanoTime;
    private final Map<Endpoint, Pool> pools = new ConcurrentHashMap<>();

    UpstreamConnections(WebClient client) {
        this(client, MAX_IDLE, MAX_IDLE_TIME, System::nanoTime);
    }

    /** For tests: a pool size, an idle limit and a clock of their own. */
    UpstreamConnections(WebClient client, int maxIdle, Duration maxIdleTime, LongSupplier nanoTime) {
        this.client = Objects.requireNonNull(client, "client");
        if (maxIdle < 0 || maxIdleTime.isNegative()) {
            throw new IllegalArgumentException("maxIdle and maxIdleTime must not be negative");
        }
        this.maxIdle = maxIdle;
        this.maxIdleNanos = maxIdleTime.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The newest idle connection to {@code url}'s host and port that is fresh enough, or a new one.
     *
     * @throws java.io.UncheckedIOException when a new connection cannot be made (Helidon's report, unchanged)
     */
    Lease take(URI url) {
        Pool pool = pools.computeIfAbsent(new Endpoint(url.getHost(), port(url)), this::pool);
        long now = nanoTime.getAsLong();
        List<TcpClientConnection> stale = new ArrayList<>(0);
        TcpClientConnection found = null;
        synchronized (pool) {
            for (Idle idle; found == null && (idle = pool.idle().pollFirst()) != null; ) {
                if (now - idle.since() <= maxIdleNanos && idle.connection().isConnected()) {
                    found = idle.connection();
                } else {
                    stale.add(idle.connection()); // the ones below it are older still, and go the same way
                }
            }
        }
        stale.forEach(TcpClientConnection::closeResource);
        if (found != null) {
            return new Lease(found, true);
        }
        return new Lease(TcpClientConnection.create(client, pool.key(), HTTP1, c -> release(pool, c), c -> {
        }).connect(), false);
    }

    /** Idle connections kept to {@code url}'s upstream (for tests and metrics). */
    int idle(URI url) {
        Pool pool = pools.get(new Endpoint(url.getHost(), port(url)));
        if (pool == null) {
            return 0;
        }
        synchronized (pool) {
            return pool.idle().size();
        }
    }

    /** Closes every idle connection; connections in use are closed by their exchange. */
    @Override
    public void close() {
        for (Pool pool : pools.values()) {
            List<Idle> all;
            synchronized (pool) {
                all = new ArrayList<>(pool.idle());
                pool.idle().clear();
            }
            all.forEach(i -> i.connection().closeResource());
        }
    }

    /** Helidon's release callback once an answer was read whole: keep the connection (true) or have it closed. */
    private boolean release(Pool pool, TcpClientConnection connection) {
        if (!connection.isConnected()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        List<TcpClientConnection> stale = new ArrayList<>(0);
        boolean kept;
        synchronized (pool) {
            kept = pool.idle().size() < maxIdle;
            if (kept) {
                pool.idle().addFirst(new Idle(connection, now));
            }
            for (Idle oldest; (oldest = pool.idle().peekLast()) != null && now - oldest.since() > maxIdleNanos; ) {
                stale.add(pool.idle().pollLast().connection());
            }
        }
        stale.forEach(TcpClientConnection::closeResource);
        return kept;
    }

    private Pool pool(Endpoint endpoint) {
        return new Pool(ConnectionKey.create("http", endpoint.host(), endpoint.port(), NO_TLS,
                client.prototype().dnsResolver(), client.prototype().dnsAddressLookup(), client.prototype().proxy()),
                new ArrayDeque<>());
    }

    private static int port(URI url) {
        return url.getPort() < 0 ? 80 : url.getPort();
    }
}
