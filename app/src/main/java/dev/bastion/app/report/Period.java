package dev.bastion.app.report;

import java.time.Instant;
import java.util.Optional;

/**
 * The time span a report covers: records with {@code from <= time < to}; an absent bound is open. Immutable.
 */
public record Period(Optional<Instant> from, Optional<Instant> to) {
    public Period {
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("--from must be before --to");
        }
    }

    public static Period all() {
        return new Period(Optional.empty(), Optional.empty());
    }

    public boolean contains(Instant t) {
        return from.map(f -> !t.isBefore(f)).orElse(true) && to.map(t::isBefore).orElse(true);
    }

    /** As printed in a report: {@code 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z}, "the start" or "now" when open. */
    public String describe() {
        return from.map(Instant::toString).orElse("the start of the log") + " to "
                + to.map(Instant::toString).orElse("the checkpoint");
    }
}
