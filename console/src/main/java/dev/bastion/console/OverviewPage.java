package dev.bastion.console;

import dev.bastion.gateway.server.Gateway;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The overview: whether the gateway is ready, and traffic, refusals and the local/cloud split over the most recent
 * {@link #SAMPLE} request records the viewer may see, as a table and a bar chart drawn on the server.
 */
final class OverviewPage {
    static final int SAMPLE = 2_000;

    private final Html html;
    private final Gateway.Parts parts;
    private final AuditRecords records;

    OverviewPage(Html html, Gateway.Parts parts, AuditRecords records) {
        this.html = html;
        this.parts = parts;
        this.records = records;
    }

    void show(WebCall call, Viewer viewer) {
        AuditRecords.Page recent = records.newestFirst(e -> e.type().equals("request") && viewer.sees(e.tenant()), 0, SAMPLE);
        Map<String, Long> locations = new LinkedHashMap<>();
        locations.put("local", 0L);
        locations.put("cloud", 0L);
        Map<String, Long> outcomes = new LinkedHashMap<>();
        outcomes.put("answered (2xx)", 0L);
        outcomes.put("refused (4xx)", 0L);
        outcomes.put("failed (5xx)", 0L);
        long refused = 0;
        for (AuditRecords.Entry e : recent.entries()) {
            if (!e.location().isEmpty()) {
                locations.merge(e.location(), 1L, Long::sum);
            }
            String outcome = e.status() >= 500 ? "failed (5xx)" : e.status() >= 400 ? "refused (4xx)" : "answered (2xx)";
            outcomes.merge(outcome, 1L, Long::sum);
            if (e.status() >= 400 && e.status() < 500) {
                refused++;
            }
        }
        long activeKeys = parts.keys().list().stream()
                .filter(k -> k.isActive(parts.clock().instant()) && viewer.sees(Optional.of(k.tenant()))).count();
        call.html(200, html.render("overview.jte", new Views.Overview(new Views.Chrome("Overview", "overview",
                Optional.of(viewer)), parts.ready().getAsBoolean(), records.size(), activeKeys, recent.entries().size(),
                refused, bars(locations), bars(outcomes), SAMPLE)));
    }

    private static List<Views.Bar> bars(Map<String, Long> counts) {
        long max = Math.max(1, counts.values().stream().mapToLong(Long::longValue).max().orElse(1));
        List<Views.Bar> out = new ArrayList<>();
        counts.forEach((label, n) -> out.add(new Views.Bar(label, n, (int) Math.round(100.0 * n / max))));
        return out;
    }
}
