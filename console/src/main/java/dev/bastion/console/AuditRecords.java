package dev.bastion.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.gateway.api.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Audit records as the console shows them: only named metadata fields are read out of each record (time, type,
 * endpoint or action, key, tenant, decision, status), so nothing else a record might hold reaches a page.
 */
final class AuditRecords {
    /** Records read at most for one page when filtering: a filter that matches little stops here, not at 1M. */
    static final int SCAN_LIMIT = 20_000;

    /** One record's shown fields. */
    record Entry(long index, String time, String type, String what, Optional<String> keyId, Optional<String> tenant,
            String decision, int status, String location, Optional<String> requestId) {
    }

    private final AuditLog log;

    AuditRecords(AuditLog log) {
        this.log = log;
    }

    long size() {
        return log.size();
    }

    Optional<Entry> entry(long index) {
        try {
            JsonNode r = Json.MAPPER.readTree(log.record(index));
            String type = r.path("type").asText("");
            String what = type.equals("admin") ? r.path("action").asText("") : r.path("endpoint").asText("");
            return Optional.of(new Entry(index, r.path("time").asText(""), type, what, text(r, "key_id"),
                    text(r, "tenant"), r.path("decision").asText(""), r.path("status").asInt(0),
                    r.path("location").asText(""), type.equals("request") ? text(r, "request_id") : Optional.empty()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() || n.asText().isEmpty() ? Optional.empty() : Optional.of(n.asText());
    }

    /** A page of matching entries, newest first: {@code skip} matches are passed over, then up to {@code take}. */
    record Page(List<Entry> entries, boolean more) {
    }

    Page newestFirst(Predicate<Entry> matches, int skip, int take) {
        List<Entry> out = new ArrayList<>();
        int skipped = 0;
        long scanned = 0;
        for (long i = log.size() - 1; i >= 0 && scanned < SCAN_LIMIT + (long) skip + take; i--, scanned++) {
            Optional<Entry> e = entry(i).filter(matches);
            if (e.isEmpty()) {
                continue;
            }
            if (skipped < skip) {
                skipped++;
            } else if (out.size() < take) {
                out.add(e.get());
            } else {
                return new Page(out, true);
            }
        }
        return new Page(out, false);
    }
}
