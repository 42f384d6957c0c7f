package dev.bastion.privacy.fairness.monitor;

import java.util.Objects;

/**
 * The true label of a case decided earlier, joined to its {@link Decision} by request id.
 *
 * @param requestId the id the decision was posted with
 * @param label the true outcome
 */
public record Outcome(String requestId, boolean label) {
    public Outcome {
        checkId(requestId);
    }

    static void checkId(String requestId) {
        Objects.requireNonNull(requestId, "request_id");
        if (requestId.isEmpty() || requestId.length() > 128 || !MonitorSettings.ascii(requestId, "_.:-")) {
            throw new IllegalArgumentException("request_id must be 1 to 128 letters, digits, '_', '.', ':' or '-'");
        }
    }
}
