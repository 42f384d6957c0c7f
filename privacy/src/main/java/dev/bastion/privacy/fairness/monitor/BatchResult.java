package dev.bastion.privacy.fairness.monitor;

import java.util.List;
import java.util.Objects;

/** What became of a batch of decisions and outcomes: all of it recorded, or none of it, with the reason. */
public sealed interface BatchResult {

    /**
     * The batch was recorded.
     *
     * @param decisions decisions accepted (pending or resolved at once)
     * @param resolved decisions joined to their label in this batch (inline labels and outcomes)
     * @param orphans outcomes whose request id matched no pending decision (never seen, expired, or already resolved)
     * @param duplicates decisions whose request id was already pending (ignored)
     * @param alerts windows closed by this batch that left their baseline
     */
    record Recorded(int decisions, int resolved, int orphans, int duplicates, List<Alert> alerts) implements BatchResult {
        public Recorded {
            alerts = List.copyOf(alerts);
            if (decisions < 0 || resolved < 0 || orphans < 0 || duplicates < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }
    }

    /** Nothing of the batch was recorded. */
    record Refused(Reason reason, String message) implements BatchResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a batch was refused. */
    enum Reason {
        /** A decision's group attributes are not exactly the monitor's (a client error: 400). */
        WRONG_ATTRIBUTES,
        /** The batch would take the monitor past its distinct-group limit (429: fix the groups, not retry blindly). */
        TOO_MANY_GROUPS,
        /** The batch would take the monitor past its pending-decision limit (429: post outcomes, or retry later). */
        PENDING_FULL
    }
}
