package dev.bastion.privacy.dp;

import dev.bastion.privacy.accounting.PrivacyEvent;
import java.util.List;

/**
 * A differentially private answer: one row per released statistic (one for a plain aggregate; one per released
 * group or bin), each with its confidence interval, and the privacy events it cost. Safe to publish as a whole.
 */
public record QueryResult(String query, List<Row> rows, List<PrivacyEvent> events) {
    public QueryResult {
        rows = List.copyOf(rows);
        events = List.copyOf(events);
    }

    /** A released value; {@code key} is empty for an ungrouped aggregate, else the group or bin. */
    public record Row(String key, double value, ConfidenceInterval interval) {
        public Row {
            if (key == null || interval == null) {
                throw new IllegalArgumentException("key and interval are required");
            }
        }
    }
}
