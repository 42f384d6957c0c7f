package dev.bastion.gateway.backend;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link UpstreamTransport} over the JDK HttpClient: one client per connect timeout and protocol; plain-HTTP
 * upstreams are spoken to in HTTP/1.1 (asking for h2c upgrades on every new connection only costs time), TLS ones
 * negotiate HTTP/2 through ALPN. Redirects are never followed. Thread-safe.
 */
final class JdkUpstream implements UpstreamTransport {
    private record ClientKey(Duration connectTimeout, boolean plain) {
    }

    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    @Override
    public Reply send(Request request, Duration connectTimeout, Duration readTimeout)
            throws ConnectFailed, TimedOut, IOException, InterruptedException {
        boolean plain = "http".equals(request.url().getScheme());
        HttpClient client = clients.computeIfAbsent(new ClientKey(connectTimeout, plain), k -> HttpClient.newBuilder()
                .connectTimeout(k.connectTimeout())
                .version(k.plain() ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
        HttpRequest.Builder b = HttpRequest.newBuilder(request.url()).timeout(readTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(b::header);
        CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new TimedOut();
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
                throw new ConnectFailed(cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw new TimedOut();
            }
            throw cause instanceof IOException io ? io : new IOException(cause == null ? "unknown" : cause.getClass().getSimpleName());
        }
        return new Reply(response.statusCode(), name -> response.headers().firstValue(name), response.body());
    }
}
