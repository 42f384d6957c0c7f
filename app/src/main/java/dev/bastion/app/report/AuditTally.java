package dev.bastion.app.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Counts audit records one at a time into {@link AuditCounts}, in memory bounded by the number of distinct names
 * (reasons, entity types, routes, actions, models), each map capped at {@value #MAX_NAMES} names with the rest
 * counted under {@code (other)}. Reads only the fields it counts, with a streaming parser; never keeps a record.
 * Not thread-safe.
 */
final class AuditTally {
    static final int MAX_NAMES = 500;
    static final String OTHER = "(other)";
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

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

    /** The fields of one record that are counted; read with a streaming parser, nothing else is kept. */
    private static final class Fields {
        String time;
        String type;
        String tenant;
        String outcome;
        String decision;
        String location;
        String route;
        String action;
        String subject;
        long promptTokens;
        long completionTokens;
        final Map<String, Long> findings = new TreeMap<>();

        void clear() {
            time = type = tenant = outcome = decision = location = route = action = subject = null;
            promptTokens = completionTokens = 0;
            findings.clear();
        }
    }

    private final Fields fields = new Fields();

    /** Counts one record (its JSON bytes); a record that is not JSON with a time is counted as unreadable. */
    void accept(byte[] record) {
        Instant time;
        try {
            read(record, fields);
            time = Instant.parse(fields.time);
        } catch (IOException | RuntimeException e) {
            unreadable++;
            return;
        }
        if (!period.contains(time)) {
            return;
        }
        boolean request = "request".equals(fields.type);
        if (tenant.isPresent() && !(request && tenant.get().equals(fields.tenant))) {
            return;
        }
        records++;
        first = first == null ? time : first;
        last = time;
        if (request) {
            request(fields);
        } else if ("admin".equals(fields.type)) {
            String action = fields.action == null ? "" : fields.action;
            add(adminActions, action, 1);
            String model = fields.subject == null ? "" : fields.subject.split(":", 2)[0].strip();
            switch (action) {
                case "model.admitted", "model.loaded" -> add(modelsAdmitted, model, 1);
                case "model.refused" -> add(modelsRefused, model, 1);
                default -> { }
            }
        }
    }

    /** Reads the counted top-level fields of a record; nested values other than {@code findings} are skipped. */
    private static void read(byte[] record, Fields into) throws IOException {
        into.clear();
        try (JsonParser p = JSON_FACTORY.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "time" -> into.time = text(p, value);
                    case "type" -> into.type = text(p, value);
                    case "tenant" -> into.tenant = text(p, value);
                    case "outcome" -> into.outcome = text(p, value);
                    case "decision" -> into.decision = text(p, value);
                    case "location" -> into.location = text(p, value);
                    case "route" -> into.route = text(p, value);
                    case "action" -> into.action = text(p, value);
                    case "subject" -> into.subject = text(p, value);
                    case "prompt_tokens" -> into.promptTokens = value.isNumeric() ? p.getLongValue() : 0;
                    case "completion_tokens" -> into.completionTokens = value.isNumeric() ? p.getLongValue() : 0;
                    case "findings" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String type = p.currentName();
                                into.findings.merge(type, p.nextToken().isNumeric() ? p.getLongValue() : 0, Long::sum);
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (into.time == null) {
            throw new IOException("a record without a time");
        }
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private void request(Fields r) {
        requests++;
        String outcome = r.outcome == null ? "" : r.outcome;
        if (outcome.equals("ok")) {
            answered++;
        } else {
            add(refusals, outcome, 1);
        }
        if (r.decision != null) {
            add(decisions, r.decision, 1);
        }
        if (r.location != null) {
            add(locations, r.location, 1);
        }
        if (r.route != null) {
            add(routes, r.route, 1);
        }
        r.findings.forEach((type, n) -> add(entityTypes, type, n));
        promptTokens += Math.max(0, r.promptTokens);
        completionTokens += Math.max(0, r.completionTokens);
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
