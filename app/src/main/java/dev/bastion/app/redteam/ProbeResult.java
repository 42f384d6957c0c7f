package dev.bastion.app.redteam;

import java.util.Objects;
import java.util.Optional;

/**
 * One probe's outcome against the target and, with {@code --compare}, against the second endpoint.
 *
 * @param probe the probe
 * @param target its outcome against the target
 * @param compare its outcome against the comparison endpoint, when one was given
 */
public record ProbeResult(Probe probe, Outcome target, Optional<Outcome> compare) {
    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(compare, "compare");
    }

    /** The target stopped an attack that worked against the comparison endpoint. */
    public boolean stoppedOnlyByTarget() {
        return target.verdict().stopped() && compare.map(c -> c.verdict() == Verdict.SUCCEEDED).orElse(false);
    }
}
