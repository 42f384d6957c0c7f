package dev.bastion.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.pipeline.AuditTrail;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One request's decision record, found by its request id (the {@code x-request-id} response header) among the
 * recent requests the audit trail indexes: the record's shown fields, the plain-language explanation the API's
 * {@code /admin/v1/requests/{id}} gives, and a button that checks the record's inclusion proof in the browser.
 * Tenant-bound viewers find only their tenant's requests.
 */
final class RequestPage {
    private final Html html;
    private final AuditTrail trail;
    private final AuditRecords records;

    RequestPage(Html html, AuditTrail trail, AuditRecords records) {
        this.html = html;
        this.trail = trail;
        this.records = records;
    }

    void show(WebCall call, Viewer viewer) {
        Optional<String> id = call.query("id").filter(i -> i.matches("req_[0-9a-f]{24}"));
        Optional<ObjectNode> explained = id.flatMap(trail::explain);
        Optional<AuditRecords.Entry> entry = explained.flatMap(e -> records.entry(e.path("index").asLong()))
                .filter(e -> viewer.sees(e.tenant()));
        Views.Chrome chrome = new Views.Chrome("Request", "audit", Optional.of(viewer));
        if (entry.isEmpty()) {
            call.html(404, html.render("problem.jte", new Views.Problem(chrome, 404, "No decision record for that "
                    + "request id among the most recent 100,000 requests you may see.")));
            return;
        }
        AuditRecords.Entry e = entry.get();
        List<String> sentences = new ArrayList<>();
        for (JsonNode s : explained.get().path("explanation")) {
            sentences.add(s.asText());
        }
        call.html(200, html.render("request.jte", new Views.RequestRecord(chrome, id.get(), new Views.AuditRow(e.index(),
                e.time(), e.type(), e.what(), e.keyId().orElse(""), e.tenant().orElse(""), e.decision(),
                e.status() == 0 ? "" : Integer.toString(e.status()), id.get()), sentences)));
    }
}
