package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion fairness status}: the live fairness monitors of a running gateway ({@code fairness-monitors} in its
 * config), read from {@code GET /admin/v1/fairness/status}: each group's last window against its baseline, and the
 * recent alerts. A thin client; services post decisions and outcomes to {@code POST /admin/v1/fairness/outcomes}.
 */
@Command(name = "fairness", description = "Live fairness monitors of a running gateway.",
        subcommands = FairnessCommand.Status.class)
final class FairnessCommand {

    @Command(name = "status", description = "Print each fairness monitor's groups (last window against baseline, with "
            + "intervals) and recent alerts; with --fail-on-alert, exit 1 when a monitor has raised any.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
                description = "The gateway (default: ${DEFAULT-VALUE}).")
        URI url;

        @Option(names = "--key-file", paramLabel = "FILE", description = "Read the admin or auditor key from this file "
                + "(such as DATA_DIR/admin.key).")
        Path keyFile;

        @Option(names = "--key-env", defaultValue = "BASTION_API_KEY", paramLabel = "NAME", description = "Else read "
                + "the key from this environment variable (default: ${DEFAULT-VALUE}).")
        String keyEnv;

        @Option(names = "--fail-on-alert", description = "Exit 1 when any monitor has raised an alert since it started.")
        boolean failOnAlert;

        @Mixin
        Output output;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("--url must be http or https, got " + url.getScheme());
            }
            String key = keyFile != null ? Files.readString(keyFile).strip() : System.getenv(keyEnv);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("no API key: give --key-file, or set " + keyEnv);
            }
            URI status = url.resolve("/admin/v1/fairness/status");
            HttpResponse<String> r;
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
                r = client.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
            if (r.statusCode() != 200) {
                String message = Json.MAPPER.readTree(r.body()).at("/error/message").asText("");
                System.err.println("bastion: " + status + " answered HTTP " + r.statusCode()
                        + (message.isEmpty() ? "" : ": " + message));
                return ExitCodes.FAILED;
            }
            JsonNode body = Json.MAPPER.readTree(r.body());
            long alerts = 0;
            for (JsonNode m : body.path("data")) {
                alerts += m.path("alerts_raised").asLong();
            }
            if (output.json()) {
                Output.print(body);
            } else {
                body.path("data").forEach(Status::print);
                if (body.path("data").isEmpty()) {
                    System.out.println("no fairness monitors configured (fairness-monitors in the gateway's config)");
                }
            }
            return failOnAlert && alerts > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }

        private static void print(JsonNode m) {
            System.out.printf(Locale.ROOT, "monitor %s: window %d per group, baseline %d windows, bound %.3f; "
                    + "decisions %d, resolved %d, pending %d, expired %d, orphan outcomes %d, alerts %d%n",
                    m.path("monitor").asText(), m.path("window_size").asInt(), m.path("baseline_windows").asInt(),
                    m.path("bound").asDouble(), m.path("decisions").asLong(), m.path("resolved").asLong(),
                    m.path("pending").asLong(), m.path("expired").asLong(), m.path("orphans").asLong(),
                    m.path("alerts_raised").asLong());
            for (JsonNode g : m.path("groups")) {
                System.out.printf(Locale.ROOT, "  %-28s windows %d%s, filling %d%n", g.path("group").asText(),
                        g.path("closed_windows").asLong(), g.path("baseline_ready").asBoolean() ? "" : " (baseline)",
                        g.path("filling").asLong());
                g.path("metrics").properties().forEach(e -> System.out.printf(Locale.ROOT,
                        "    %-15s last %s [%s, %s]  baseline %s%n", e.getKey(), rate(e.getValue().path("last_window")),
                        rate(e.getValue().path("ci").path(0)), rate(e.getValue().path("ci").path(1)),
                        rate(e.getValue().path("baseline"))));
            }
            for (JsonNode a : m.path("recent_alerts")) {
                System.out.printf(Locale.ROOT, "  ALERT %s %s window %d: %s vs baseline %s, interval [%s, %s] clear of "
                        + "the bound %.3f%n", a.path("group").asText(), a.path("metric").asText(), a.path("window").asLong(),
                        rate(a.path("value")), rate(a.path("baseline")), rate(a.path("ci").path(0)),
                        rate(a.path("ci").path(1)), a.path("bound").asDouble());
            }
        }

        private static String rate(JsonNode v) {
            return v.isNumber() ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : "-";
        }
    }
}
