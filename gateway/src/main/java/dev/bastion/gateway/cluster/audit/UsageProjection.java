package dev.bastion.gateway.cluster.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.pipeline.UsageRecorder;
import dev.bastion.store.usage.UsageRepository.Usage;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usage of a batch of the audit topic's records, summed per key, tenant, model and UTC day by the rule the
 * single node counts with ({@link UsageRecorder.Event#of}), until the sequencer commits it with the batch's offset.
 * Not thread-safe.
 */
final class UsageProjection {
    private static final System.Logger LOG = System.getLogger(UsageProjection.class.getName());

    private record Bucket(LocalDate day, String tenant, String keyId, String model) {
    }

    private final Map<Bucket, long[]> pending = new LinkedHashMap<>();

    /** Adds the usage {@code record} carries, if any (refusals and admin records carry none). */
    void add(byte[] record) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(record);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit sequencer: a record is not JSON (" + e.getClass().getSimpleName()
                    + "); no usage counted for it");
            return;
        }
        Optional<UsageRecorder.Event> event = UsageRecorder.Event.of(json);
        event.ifPresent(e -> {
            long[] c = pending.computeIfAbsent(new Bucket(e.day(), e.tenant(), e.keyId(), e.model()), b -> new long[3]);
            c[0]++;
            c[1] += e.promptTokens();
            c[2] += e.completionTokens();
        });
    }

    /** The sums so far, as increments of the usage counters; empties the projection. */
    List<Usage> drain() {
        List<Usage> out = new ArrayList<>(pending.size());
        pending.forEach((b, c) -> out.add(new Usage(b.day(), b.tenant(), b.keyId(), b.model(), c[0], c[1], c[2])));
        pending.clear();
        return out;
    }
}
