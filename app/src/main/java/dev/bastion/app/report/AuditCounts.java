package dev.bastion.app.report;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts a report states, taken from audit records alone (which hold no prompt or answer text). Request counts
 * follow the tenant filter; admin actions carry no tenant, so with a tenant filter they are not counted (the report
 * says so). Immutable.
 *
 * @param records records in the period, of any type
 * @param requests request records in the period (and tenant)
 * @param answered requests whose outcome is {@code ok}
 * @param refusals refused or failed requests by reason (the error code the client got)
 * @param decisions requests by the policy's decision ({@code allow}, {@code transform}, {@code block}, ...)
 * @param entityTypes findings by entity type, summed over requests (what the scanners saw and the route acted on)
 * @param locations requests by where the model that answered runs ({@code local}, {@code cloud})
 * @param routes requests by route
 * @param adminActions admin actions by name ({@code subject.erase}, {@code key.revoke}, {@code model.refused}, ...)
 * @param modelsAdmitted names of local models admitted or loaded
 * @param modelsRefused names of local models refused
 * @param promptTokens prompt tokens of the counted requests
 * @param completionTokens completion tokens of the counted requests
 * @param first time of the first record counted
 * @param last time of the last record counted
 */
public record AuditCounts(long records, long requests, long answered, SortedMap<String, Long> refusals,
        SortedMap<String, Long> decisions, SortedMap<String, Long> entityTypes, SortedMap<String, Long> locations,
        SortedMap<String, Long> routes, SortedMap<String, Long> adminActions, SortedMap<String, Long> modelsAdmitted,
        SortedMap<String, Long> modelsRefused, long promptTokens, long completionTokens, Optional<Instant> first,
        Optional<Instant> last) {
    public AuditCounts {
        if (records < 0 || requests < 0 || answered < 0 || requests > records || answered > requests
                || promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("counts cannot be negative, and answered <= requests <= records");
        }
        refusals = copy(refusals);
        decisions = copy(decisions);
        entityTypes = copy(entityTypes);
        locations = copy(locations);
        routes = copy(routes);
        adminActions = copy(adminActions);
        modelsAdmitted = copy(modelsAdmitted);
        modelsRefused = copy(modelsRefused);
    }

    private static SortedMap<String, Long> copy(Map<String, Long> m) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(m));
    }

    public long refused() {
        return requests - answered;
    }

    public long action(String name) {
        return adminActions.getOrDefault(name, 0L);
    }

    /** {@code a 3, b 1}, or {@code none}. */
    public static String list(Map<String, Long> m) {
        if (m.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        m.forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return out.toString();
    }
}
