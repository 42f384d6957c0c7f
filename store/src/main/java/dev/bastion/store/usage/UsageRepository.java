package dev.bastion.store.usage;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Persistent usage counters per key, tenant, model and UTC day. Increments are atomic in the database, so several
 * threads or processes adding at once lose nothing.
 */
public interface UsageRepository {

    /** Adds every delta in one transaction. */
    void addUsage(List<Usage> deltas);

    /**
     * Adds every delta and sets audit log {@code logId}'s watermark (the index of the last record of that log these
     * counters include) in one transaction.
     */
    void addUsage(List<Usage> deltas, String logId, long auditWatermark);

    /** Audit log {@code logId}'s watermark, if usage has ever been counted from that log. */
    java.util.OptionalLong auditWatermark(String logId);

    /** Rows matching the filters (empty filter: all), ordered by day, tenant, key, model. */
    List<Usage> usage(Optional<String> tenant, Optional<String> keyId);

    /**
     * One page of the rows matching {@code filter}, in the order of {@link #usage}, and how many match in all: paged
     * in the database, so a page costs the same with a million rows as with ten.
     */
    Page page(Filter filter, long offset, int limit);

    /** What a usage query selects; an empty part matches everything, the days are inclusive. */
    record Filter(Optional<String> tenant, Optional<String> keyId, Optional<String> model, Optional<LocalDate> from,
            Optional<LocalDate> to) {
        public Filter {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        /** Everything. */
        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** Rows of one page and the number of rows matching in all. */
    record Page(List<Usage> rows, long total) {
        public Page {
            rows = List.copyOf(rows);
            if (total < rows.size()) {
                throw new IllegalArgumentException("a page cannot hold more rows than match");
            }
        }
    }

    /** One counter row, or one increment of it. */
    record Usage(LocalDate day, String tenant, String keyId, String model, long requests, long promptTokens,
            long completionTokens) {
        public Usage {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(model, "model");
            if (requests < 0 || promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("usage counts cannot be negative");
            }
        }
    }
}
