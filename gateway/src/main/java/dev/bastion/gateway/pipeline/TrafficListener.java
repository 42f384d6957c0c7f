package dev.bastion.gateway.pipeline;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Told about every request once its audit record is written ({@link AuditTrail#addTrafficListener}), with the
 * record's metadata only: never prompt or answer text, matched values or keys. Called on the audit log's writer
 * thread, so an implementation must return at once (hand the event to a bounded queue) and must not throw.
 */
@FunctionalInterface
public interface TrafficListener {
    void recorded(Event event);

    /**
     * One request's metadata, as its audit record holds it (plus the key's label, which the record leaves out).
     *
     * @param index the audit record's index
     * @param model the model asked for, or empty when the request named none
     * @param location where it was served ({@code local} or {@code cloud}), empty when it was not
     * @param decision the policy's decision, empty when the request was refused before it
     * @param latencyMicros time from arrival to the end of the answer
     */
    record Event(long index, Instant time, String requestId, Optional<String> keyId, String keyLabel,
            Optional<String> tenant, String endpoint, Optional<String> model, Optional<String> location,
            Optional<String> decision, int status, long latencyMicros, long promptTokens, long completionTokens) {
        public Event {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(keyLabel, "keyLabel");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(decision, "decision");
        }
    }
}
