package dev.bastion.gateway.cluster.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which (sender, sequence) pairs the sequencer has taken, to drop duplicates (a producer's retry that Kafka's
 * idempotence did not catch, a record sent again after a restart). Per sender the taken sequences are kept as
 * disjoint ranges, so memory grows with the gaps in a sender's sequence (records of its local log that never
 * reached the topic), not with the number of records: a sender's local log numbers its records densely.
 * Not thread-safe.
 */
final class SeenSequences {
    /** Per sender: range start to range end (inclusive), disjoint and not adjacent. */
    private final Map<String, TreeMap<Long, Long>> ranges = new HashMap<>();

    /** Marks {@code sequence} of {@code sender} taken; false when it already was (a duplicate). */
    boolean add(String sender, long sequence) {
        Objects.requireNonNull(sender, "sender");
        if (sequence < 0) {
            throw new IllegalArgumentException("a sequence is never negative");
        }
        TreeMap<Long, Long> r = ranges.computeIfAbsent(sender, s -> new TreeMap<>());
        Map.Entry<Long, Long> below = r.floorEntry(sequence);
        if (below != null && below.getValue() >= sequence) {
            return false;
        }
        long start = sequence;
        long end = sequence;
        if (below != null && below.getValue() == sequence - 1) {
            start = below.getKey();
        }
        Long next = sequence == Long.MAX_VALUE ? null : r.get(sequence + 1);
        if (next != null) {
            end = next;
            r.remove(sequence + 1);
        }
        r.put(start, end);
        return true;
    }

    /** How many ranges are held in all (memory), for logs and tests. */
    int ranges() {
        return ranges.values().stream().mapToInt(TreeMap::size).sum();
    }
}
