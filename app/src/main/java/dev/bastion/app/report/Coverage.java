package dev.bastion.app.report;

import dev.bastion.audit.Checkpoint;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * What a report covers: the period, the tenant (if filtered), and the signed audit checkpoint whose records it
 * counted; records written after that checkpoint are in the next report, not this one. Immutable.
 *
 * @param checkpoint the checkpoint's text form, as {@code bastion audit checkpoint} prints it
 * @param generated when the report was made
 * @param configFile the config file the gateway's settings were read from, if any
 */
public record Coverage(Period period, Optional<String> tenant, String checkpoint, Instant generated,
        Optional<String> configFile) {
    public Coverage {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(generated, "generated");
        Objects.requireNonNull(configFile, "configFile");
        Checkpoint.decode(Objects.requireNonNull(checkpoint, "checkpoint")); // throws when it is not one
    }

    public Checkpoint decoded() {
        return Checkpoint.decode(checkpoint);
    }

    /** The source every count of this report rests on: records 0..size-1 under the checkpoint's tree head. */
    public Source auditSource() {
        Checkpoint c = decoded();
        return new Source(Source.Kind.AUDIT, c.size() == 0 ? "empty log, checkpoint of size 0"
                : "records 0.." + (c.size() - 1) + " under checkpoint root " + Base64.getEncoder().encodeToString(c.root()));
    }
}
