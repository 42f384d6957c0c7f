package dev.bastion.gateway.backend;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
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
 * per connect timeout; redirects are never followed; response bodies are streamed, never buffered by the client.
 * Thread-safe.
 */
final class HelidonUpstream implements UpstreamTransport {
    private final Map<Duration, WebClient> clients = new ConcurrentHashMap<>();

    @Override
    public Reply send(Request request, Duration connectTimeout, Duration readTimeout)
            throws ConnectFailed, TimedOut, IOException {
        WebClient client = clients.computeIfAbsent(connectTimeout, t -> WebClient.builder()
                .socketOptions(s -> s.connectTimeout(t).tcpNoDelay(true)) // small SSE events go out at once
                .followRedirects(false)
                .shareConnectionCache(false)
                .maxInMemoryEntity(0)
                .build());
        HttpClientRequest post = client.post().uri(request.url()).readTimeout(readTimeout).followRedirects(false);
        request.headers().forEach((name, value) -> post.header(HeaderNames.create(name), value));
        HttpClientResponse response;
        try {
            response = post.submit(request.body());
        } catch (RuntimeException e) { // Helidon reports I/O failures unchecked, sometimes wrapped further
            Throwable root = rootCause(e);
            if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
                throw new ConnectFailed(root);
            }
            if (root instanceof SocketTimeoutException) {
                throw new TimedOut();
            }
            throw e instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getClass().getSimpleName(), e);
        }
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

    /** The first raw value of a response header (without Helidon's mapper registry). */
    private static Optional<String> first(HttpClientResponse response, HeaderName name) {
        List<String> values = response.headers().all(name, List::of);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
