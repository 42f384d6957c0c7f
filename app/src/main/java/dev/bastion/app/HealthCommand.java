package dev.bastion.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion health [--url URL]}: asks a running gateway whether it is up, for container health checks and
 * scripts on machines without curl (a distroless image has none). Exit 0 on HTTP 200, 1 otherwise.
 */
@Command(name = "health", description = "Check that a running gateway answers: GET --url and exit 0 on HTTP 200, "
        + "1 otherwise (for container health checks where there is no curl).")
final class HealthCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/healthz", paramLabel = "URL",
            description = "What to ask (default: ${DEFAULT-VALUE}; /readyz says whether it is ready to serve).")
    URI url;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    Output output;

    @Override
    public Integer call() throws InterruptedException {
        boolean json = output.json();
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be http or https, got " + url.getScheme());
        }
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        int status;
        String problem = "";
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
        } catch (IOException e) {
            status = 0;
            problem = e.getClass().getSimpleName();
        }
        boolean healthy = status == 200;
        if (json) {
            Output.print(Output.object().put("url", url.toString()).put("status", status).put("healthy", healthy));
        } else if (healthy) {
            System.out.println("healthy: " + url + " answered 200");
        }
        if (!healthy) {
            System.err.println("bastion: " + url + (status == 0 ? " did not answer (" + problem + ")"
                    : " answered HTTP " + status));
        }
        return healthy ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
