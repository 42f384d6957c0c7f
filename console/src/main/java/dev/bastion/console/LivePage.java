package dev.bastion.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.pipeline.TrafficListener;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Live traffic: a page, and {@code GET /live/events}, a Server-Sent Events stream of request metadata (time, key id
 * and label, tenant, model, endpoint, where it was served, decision, status, latency, tokens; never text) as each
 * request's audit record is written. Filters (tenant, model, decision) apply on the server, as does what the viewer
 * may see. The stream ends when the session or its key does; it does not keep the session from going idle.
 */
final class LivePage {
    static final List<String> DECISIONS = List.of("allow", "transform", "block", "none");
    /** How long a stream waits for events before it sends a comment to keep the connection open. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How often, at most, a stream asks the store whether its key is still active. */
    private static final Duration KEY_CHECK = Duration.ofSeconds(2);

    private final Html html;
    private final LiveTraffic traffic;
    private final Sessions sessions;
    private final Gatekeeper gatekeeper;
    private final KeyService keys;
    private final Clock clock;
    private final List<String> models;

    LivePage(Html html, LiveTraffic traffic, Sessions sessions, Gatekeeper gatekeeper, KeyService keys, Clock clock,
            List<ModelSettings> models) {
        this.html = html;
        this.traffic = traffic;
        this.sessions = sessions;
        this.gatekeeper = gatekeeper;
        this.keys = keys;
        this.clock = clock;
        this.models = models.stream().map(ModelSettings::name).toList();
    }

    void show(WebCall call, Viewer viewer) {
        LiveTraffic.Filter f = filter(call, viewer);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("tenant", f.tenant().orElse(""));
        q.put("model", f.model().orElse(""));
        q.put("decision", f.decision().orElse(""));
        String source = Paging.link("/live/events", q, 1).replaceFirst("[?&]page=1$", "");
        call.html(200, html.render("live.jte", new Views.Live(new Views.Chrome("Live traffic", "live",
                Optional.of(viewer)), source, f.tenant().orElse(""), f.model().orElse(""), f.decision().orElse(""),
                models, DECISIONS, viewer.tenantScope().isPresent(), LiveTraffic.BUFFER)));
    }

    /** The stream: {@code request} events, a {@code dropped} event when its buffer overflowed, comments to keep alive. */
    void events(WebCall call, Viewer viewer) {
        Optional<LiveTraffic.Subscriber> subscribed = traffic.subscribe(viewer, filter(call, viewer));
        if (subscribed.isEmpty()) {
            call.json(503, "{\"error\":\"too many live streams are open; close one and retry\"}");
            return;
        }
        String token = call.cookie(gatekeeper.cookieName()).orElse("");
        call.response().status(Status.OK_200);
        call.response().header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        try (LiveTraffic.Subscriber sub = subscribed.get(); OutputStream out = call.response().outputStream()) {
            write(out, "retry: 3000\n: live request metadata\n\n");
            java.time.Instant keyCheckedAt = clock.instant();
            while (sessions.alive(token)) {
                LiveTraffic.Batch batch = sub.take(HEARTBEAT);
                if (clock.instant().isAfter(keyCheckedAt.plus(KEY_CHECK))) {
                    keyCheckedAt = clock.instant();
                    if (keys.find(viewer.keyId()).filter(k -> k.isActive(clock.instant())
                            && k.role().mayReadUsage()).isEmpty()) {
                        break;
                    }
                }
                StringBuilder b = new StringBuilder();
                if (batch.dropped() > 0) {
                    b.append("event: dropped\ndata: {\"dropped\":").append(batch.dropped()).append("}\n\n");
                }
                batch.events().forEach(e -> b.append("event: request\nid: ").append(e.index()).append("\ndata: ")
                        .append(json(e)).append("\n\n"));
                write(out, b.isEmpty() ? ": keep-alive\n\n" : b.toString());
            }
        } catch (IOException | UncheckedIOException e) {
            // the browser went away: the subscriber is closed and its buffer dropped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The event's named metadata fields as one JSON line (a data line of the stream cannot hold a newline). */
    static String json(TrafficListener.Event e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("time", e.time().toString());
        n.put("request_id", e.requestId());
        n.put("key_id", e.keyId().orElse(""));
        n.put("key_label", e.keyLabel());
        n.put("tenant", e.tenant().orElse(""));
        n.put("model", e.model().orElse(""));
        n.put("endpoint", e.endpoint());
        n.put("location", e.location().orElse(""));
        n.put("decision", e.decision().orElse("none"));
        n.put("status", e.status());
        n.put("latency_ms", Math.round(e.latencyMicros() / 100.0) / 10.0);
        n.put("tokens", e.promptTokens() + e.completionTokens());
        return n.toString();
    }

    private static LiveTraffic.Filter filter(WebCall call, Viewer viewer) {
        Optional<String> tenant = viewer.tenantScope().or(() -> call.query("tenant"));
        Optional<String> decision = call.query("decision").filter(DECISIONS::contains);
        return new LiveTraffic.Filter(tenant, call.query("model").filter(m -> m.length() <= 200), decision);
    }
}
