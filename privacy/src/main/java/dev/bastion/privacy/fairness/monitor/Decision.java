package dev.bastion.privacy.fairness.monitor;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A decision a service made about one case, as the monitor receives it: the service's request id, the group the case
 * belongs to, the decision bit, and the true label when it is already known. Nothing else about the case exists here.
 *
 * @param requestId the service's id for the case, used to join a later {@link Outcome}
 * @param groups the case's group attributes ({@code sex -> female}); values are plain names
 * @param positive the decision (true: the favourable or flagged outcome the caller calls positive)
 * @param label the true outcome, when it arrives with the decision
 */
public record Decision(String requestId, Map<String, String> groups, boolean positive, Optional<Boolean> label) {
    public Decision {
        Outcome.checkId(requestId);
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(label, "label");
        groups = java.util.Collections.unmodifiableMap(new TreeMap<>(groups));
        for (Map.Entry<String, String> e : groups.entrySet()) {
            if (!MonitorSettings.plainName(e.getKey())) {
                throw new IllegalArgumentException("groups: an attribute name is not a plain name (letters, digits, "
                        + "'_', '.', '-', at most 64)");
            }
            if (!MonitorSettings.plainName(e.getValue())) {
                throw new IllegalArgumentException("groups." + e.getKey() + ": the value is not a plain name (letters, "
                        + "digits, '_', '.', '-', at most 64)");
            }
        }
    }
}
