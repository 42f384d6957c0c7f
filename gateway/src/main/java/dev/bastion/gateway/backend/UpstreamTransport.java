package dev.bastion.gateway.backend;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One HTTP POST to an upstream, below {@link UpstreamHttp}'s retries, timeouts and error mapping. Two
 * implementations, chosen by {@code server.upstream-client} ({@code auto}, the default: Helidon's WebClient for
 * plain-HTTP upstreams and the JDK HttpClient for TLS ones; or {@code jdk} for the JDK client everywhere):
 *
 * <ul>
 *   <li>{@link HelidonUpstream}: blocking I/O on the request's own virtual thread, no hand-off to a selector thread
 *       (measured in bench/gateway-overhead: docs/benchmarks.md); HTTP/1.1, for the local servers (Ollama, vLLM,
 *       llama.cpp) that Bastion's local-first default talks to over loopback;</li>
 *   <li>{@link JdkUpstream}: the JDK HttpClient, HTTP/2 through ALPN, for cloud upstreams over TLS.</li>
 * </ul>
 */
interface UpstreamTransport {
    /** The request: where, its headers (name to value) and body. */
    record Request(URI url, Map<String, String> headers, byte[] body) {
        public Request {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }
    }

    /** A response whose headers have arrived: status, a header reader (any case), the body for the caller to close. */
    record Reply(int status, Function<String, Optional<String>> header, InputStream body) {
        public Reply {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(body, "body");
        }
    }

    /** The connection could not be made (refused, unreachable, connect timeout): nothing reached the upstream. */
    final class ConnectFailed extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectFailed(Throwable cause) {
            super(cause.getClass().getSimpleName(), cause, false, false);
        }
    }

    /** No response headers within the read timeout. */
    final class TimedOut extends Exception {
        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }

    /**
     * Sends and waits for the response headers.
     *
     * @throws IOException when the exchange failed after the connection was made
     */
    Reply send(Request request, Duration connectTimeout, Duration readTimeout)
            throws ConnectFailed, TimedOut, IOException, InterruptedException;

    /** The transport for upstreams at {@code scheme}, as {@code choice} ({@code auto} or {@code jdk}) says. */
    static UpstreamTransport forScheme(String scheme, String choice, JdkUpstream jdk, HelidonUpstream helidon) {
        return "http".equals(scheme) && !"jdk".equals(choice) ? helidon : jdk;
    }
}
