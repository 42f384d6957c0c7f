package dev.bastion.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Counts audit records one at a time into {@link AuditCounts}, in memory bounded by the number of distinct names
 * (reasons, entity types, routes, actions, models), each map capped at {@value #MAX_NAMES} names with the rest
 * counted under {@code (other)}. Reads only the fields it counts; never keeps a record. Not thread-safe.
 */
final class AuditTally {
    static final int MAX_NAMES = 500;
    static final String OTHER = "(other)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Period period;
    private final Optional<String> tenant;
    private long records;
    private long requests;
    private long answered;
    private final Map<String, Long> refusals = new TreeMap<>();
    private final Map<String, Long> decisions = new TreeMap<>();
    private final Map<String, Long> entityTypes = new TreeMap<>();
    private final Map<String, Long> locations = new TreeMap<>();
    private final Map<String, Long> routes = new TreeMap<>();
    private final Map<String, Long> adminActions = new TreeMap<>();
    private final Map<String, Long> modelsAdmitted = new TreeMap<>();
    private final Map<String, Long> modelsRefused = new TreeMap<>();
    private long promptTokens;
    private long completionTokens;
    private Instant first;
    private Instant last;
    private long unreadable;

    AuditTally(Period period, Optional<String> tenant) {
        this.period = period;
        this.tenant = tenant;
    }

    /** Counts one record (its JSON bytes); a record that is not JSON with a time is counted as unreadable. */
    void accept(byte[] record) {
        JsonNode r;
        Instant time;
        try {
            r = JSON.readTree(record);
            time = Instant.parse(r.path("time").asText());
        } catch (IOException | RuntimeException e) {
            unreadable++;
            return;
        }
        if (!period.contains(time)) {
            return;
        }
        String type = r.path("type").asText();
        boolean request = type.equals("request");
        if (tenant.isPresent() && !(request && tenant.get().equals(r.path("tenant").asText(null)))) {
            return;
        }
        records++;
        first = first == null ? time : first;
        last = time;
        if (request) {
            request(r);
        } else if (type.equals("admin")) {
            String action = r.path("action").asText("");
            add(adminActions, action, 1);
            String model = r.path("subject").asText("").split(":", 2)[0].strip();
            switch (action) {
                case "model.admitted", "model.loaded" -> add(modelsAdmitted, model, 1);
                case "model.refused" -> add(modelsRefused, model, 1);
                default -> { }
            }
        }
    }

    private void request(JsonNode r) {
        requests++;
        String outcome = r.path("outcome").asText("");
        if (outcome.equals("ok")) {
            answered++;
        } else {
            add(refusals, outcome, 1);
        }
        if (r.hasNonNull("decision")) {
            add(decisions, r.get("decision").asText(), 1);
        }
        if (r.hasNonNull("location")) {
            add(locations, r.get("location").asText(), 1);
        }
        if (r.hasNonNull("route")) {
            add(routes, r.get("route").asText(), 1);
        }
        r.path("findings").properties().forEach(e -> add(entityTypes, e.getKey(), e.getValue().asLong()));
        promptTokens += Math.max(0, r.path("prompt_tokens").asLong());
        completionTokens += Math.max(0, r.path("completion_tokens").asLong());
    }

    private static void add(Map<String, Long> m, String name, long n) {
        String key = m.containsKey(name) || m.size() < MAX_NAMES ? name : OTHER;
        m.merge(key.isEmpty() ? "(none)" : key, n, Long::sum);
    }

    /** Records that could not be read as JSON with a time: a log written by something else, or damaged. */
    long unreadable() {
        return unreadable;
    }

    AuditCounts counts() {
        return new AuditCounts(records, requests, answered, new TreeMap<>(refusals), new TreeMap<>(decisions),
                new TreeMap<>(entityTypes), new TreeMap<>(locations), new TreeMap<>(routes), new TreeMap<>(adminActions),
                new TreeMap<>(modelsAdmitted), new TreeMap<>(modelsRefused), promptTokens, completionTokens,
                Optional.ofNullable(first), Optional.ofNullable(last));
    }
}
