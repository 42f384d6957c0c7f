package dev.bastion.privacy.ledger;

import dev.bastion.privacy.accounting.PrivacyEvent;
import java.time.Instant;
import java.util.List;

/** One recorded use of a ledger's data: when, what was asked (no data), and the privacy events it cost. */
public record Charge(long sequence, Instant at, String description, List<PrivacyEvent> events) {
    public Charge {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be non-negative");
        }
        if (at == null || description == null || events == null || events.isEmpty()) {
            throw new IllegalArgumentException("a charge needs a time, a description and at least one event");
        }
        events = List.copyOf(events);
    }
}
