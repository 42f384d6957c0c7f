package dev.bastion.gateway.backend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The queue depth the servers of a {@link ModelPool} report: every 2 s, {@code GET /metrics} at each server's origin
 * (Prometheus text), summing the gauges of requests waiting for a slot: vLLM's {@code vllm:num_requests_waiting}
 * and llama.cpp's {@code llamacpp:requests_deferred} (its server needs {@code --metrics}). A server that exposes
 * neither, or does not answer within 500 ms, reports 0: its load is then what this gateway has outstanding there.
 * Polling never ejects a server; failed requests do. Thread-safe.
 */
public final class QueueDepth implements AutoCloseable {
    private static final List<String> GAUGES = List.of("vllm:num_requests_waiting", "llamacpp:requests_deferred");
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The most of a metrics page read (a server's page is a few KB; more is not read). */
    private static final int MAX_BYTES = 1 << 20;

    private final ModelPool pool;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bastion-pool-queue-depth");
        t.setDaemon(true);
        return t;
    });

    private QueueDepth(ModelPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** Starts polling the pool's servers. */
    public static QueueDepth watch(ModelPool pool) {
        QueueDepth q = new QueueDepth(pool);
        q.timer.scheduleWithFixedDelay(q::pollAll, 0, 2, TimeUnit.SECONDS);
        return q;
    }

    /** Polls every server at once, each on its own virtual thread; one that has not answered within 1 s reports 0. */
    private void pollAll() {
        List<Thread> polls = pool.servers().stream()
                .map(s -> Thread.ofVirtual().name("bastion-pool-poll").start(() -> s.queueDepth = poll(s.url))).toList();
        try {
            for (int i = 0; i < polls.size(); i++) {
                if (!polls.get(i).join(Duration.ofSeconds(1))) {
                    polls.get(i).interrupt();
                    pool.servers().get(i).queueDepth = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int poll(URI server) {
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(metricsUrl(server)).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                return r.statusCode() == 200
                        ? parse(new String(in.readNBytes(MAX_BYTES), java.nio.charset.StandardCharsets.UTF_8)) : 0;
            }
        } catch (IOException | IllegalArgumentException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {@code /metrics} at the server's origin: {@code http://h:8000/v1} gives {@code http://h:8000/metrics}. */
    static URI metricsUrl(URI server) {
        return URI.create(server.getScheme() + "://" + server.getRawAuthority() + "/metrics");
    }

    /** The sum of the waiting-request gauges in Prometheus text; 0 when there are none. */
    static int parse(String metrics) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            for (String gauge : GAUGES) {
                if (line.length() > gauge.length() && line.startsWith(gauge)
                        && (line.charAt(gauge.length()) == ' ' || line.charAt(gauge.length()) == '{')) {
                    try {
                        double v = Double.parseDouble(value(line));
                        if (v > 0 && Double.isFinite(v)) {
                            total += v;
                        }
                    } catch (NumberFormatException ignored) {
                        // a malformed sample counts as none
                    }
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.round(total));
    }

    /** The sample value of a line: after the metric name and its labels, before an optional timestamp. */
    private static String value(String line) {
        int labelsEnd = line.indexOf('}');
        String rest = (labelsEnd >= 0 ? line.substring(labelsEnd + 1) : line.substring(line.indexOf(' ') + 1)).strip();
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
