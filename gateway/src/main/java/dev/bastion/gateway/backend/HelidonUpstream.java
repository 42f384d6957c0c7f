package dev.bastion.gateway.backend;

import dev.bastion.gateway.watchdog.ReadDeadlines;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link UpstreamTransport} over Helidon's WebClient, HTTP/1.1 with kept-alive connections: the exchange runs on the
 * calling (virtual) thread with blocking reads, so a proxied request costs no hand-off to another thread. One client
 * per connect timeout, each with its own {@link UpstreamConnections} (WebClient's connection cache is not used: an
 * idle connection there costs a reading thread and an exception every 101 ms); redirects are never followed;
 * response bodies are streamed, never buffered by the client. Thread-safe.
 *
 * <p>A connection taken from the pool may have been closed by the upstream while it was idle. When such a reused
 * connection fails before a single byte of an answer arrived (end of stream or a reset, not a timeout), the request
 * is sent once more on a new connection, as OkHttp does by default for a body it can send again: an upstream that
 * closed an idle connection never read the request. A new connection that fails is never retried here.
 */
final class HelidonUpstream implements UpstreamTransport {
    private record Client(Http1Client http, UpstreamConnections connections) {
    }

    /*
     * Why no socket read timeout (Socket.setSoTimeout(0), which Helidon sets from the request's readTimeout): on a
     * virtual thread a socket read with a timeout is a timed park, which schedules a timeout task on the carrier
     * pool's delay scheduler and cancels it when the read returns, waking that scheduler's thread once or twice per
     * upstream read (docs/benchmarks.md, "Gateway overhead", round twelve). The read timeout is enforced by the read
     * watchdog instead (ReadDeadlines.SHARED): here for the response headers, which closes the connection when they
     * are late, and in UpstreamHttp for every read of a body. Closing a response whose body was not read whole never
     * reads on (Helidon skips only what has arrived already, else closes the connection), so nothing waits unwatched.
     */
    private static final Duration NO_SOCKET_TIMEOUT = Duration.ZERO;

    /*
     * WRITE_BUFFER: no connection write buffer (WebClient's writeBufferSize 0). The client puts a request's line,
     * headers and body into one buffer of its own and hands that to the connection's writer in a single write, then
     * flushes; with a write buffer (the default, 4 KiB), Helidon 4.5.0 copied it in through FixedBufferData.write,
     * which allocates a scratch array of the buffer's whole free space per write (~4.9 kB per proxied request, the
     * largest single allocation of the upstream call; docs/benchmarks.md, gateway overhead, round sixteen), then
     * wrote the buffer. Without it the writer writes the client's buffer straight to the socket: the same bytes in
     * the same single write, one copy fewer. A request larger than 4 KiB was already written that way.
     */
    private final Map<Duration, Client> clients = new ConcurrentHashMap<>();

    @Override
    public Reply send(Request request, Duration connectTimeout, Duration readTimeout)
            throws ConnectFailed, TimedOut, IOException {
        HttpClientResponse response = exchange(clients.computeIfAbsent(connectTimeout, HelidonUpstream::client),
                request, readTimeout);
        InputStream body = response.inputStream();
        return new Reply(response.status().code(), name -> first(response, HeaderNames.create(name)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        try {
                            return body.read();
                        } catch (UncheckedIOException e) {
                            throw e.getCause();
                        }
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        try {
                            return body.read(b, off, len);
                        } catch (UncheckedIOException e) {
                            throw e.getCause();
                        }
                    }

                    @Override
                    public void close() {
                        response.close();
                    }
                });
    }

    /** Sends on a pooled or new connection (once more on a new one if a pooled one turns out closed). */
    private static HttpClientResponse exchange(Client client, Request request, Duration readTimeout)
            throws ConnectFailed, TimedOut, IOException {
        for (int attempt = 0; ; attempt++) {
            UpstreamConnections.Lease lease = null;
            ReadDeadlines.Watch watch = null;
            try {
                lease = client.connections().take(request.url());
                TcpClientConnection connection = lease.connection();
                Http1ClientRequest post = client.http().post().uri(request.url()).readTimeout(NO_SOCKET_TIMEOUT)
                        .followRedirects(false).connection(connection);
                request.headers().forEach((name, value) -> post.header(HeaderNames.create(name), value));
                watch = ReadDeadlines.SHARED.watch(connection::closeResource, readTimeout);
                return post.submit(request.body());
            } catch (RuntimeException e) { // Helidon reports I/O failures unchecked, sometimes wrapped further
                if (lease != null) {
                    lease.connection().closeResource();
                }
                if (watch != null && watch.fired()) {
                    throw new TimedOut(); // no response headers within the read timeout: the watchdog closed it
                }
                Throwable root = rootCause(e);
                if (lease != null && lease.reused() && attempt == 0 && closedByPeer(root)) {
                    continue; // the upstream had closed the idle connection: it never read this request
                }
                if (lease == null && (root instanceof ConnectException || root instanceof NoRouteToHostException
                        || root instanceof SocketTimeoutException)) {
                    throw new ConnectFailed(root); // connect() failed or timed out: nothing was sent
                }
                if (root instanceof SocketTimeoutException) {
                    throw new TimedOut();
                }
                throw e instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getClass().getSimpleName(), e);
            } finally {
                if (watch != null) {
                    watch.close();
                }
            }
        }
    }

    /** The first raw value of a response header (without Helidon's mapper registry). */
    private static Optional<String> first(HttpClientResponse response, HeaderName name) {
        List<String> values = response.headers().all(name, List::of);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    private static Client client(Duration connectTimeout) {
        WebClient web = WebClient.builder()
                .socketOptions(s -> s.connectTimeout(connectTimeout).tcpNoDelay(true)) // small SSE events go out at once
                .dnsResolver(new NamedAddresses()) // no reverse look-up of an IP upstream per new connection
                .followRedirects(false)
                .shareConnectionCache(false)
                .maxInMemoryEntity(0)
                .writeBufferSize(0) // see WRITE_BUFFER
                .build();
        return new Client(web.client(Http1Client.PROTOCOL), new UpstreamConnections(web));
    }

    /** The peer closed or reset the connection (a stale kept-alive one), as opposed to a timeout or a local fault. */
    private static boolean closedByPeer(Throwable root) {
        return root instanceof DataReader.InsufficientDataAvailableException
                || (root instanceof IOException && !(root instanceof SocketTimeoutException));
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
