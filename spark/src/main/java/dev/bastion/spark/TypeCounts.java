package dev.bastion.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Values found per entity type, summed over tasks. The job's rewrite runs in the tasks of the write's result stage,
 * and Spark merges a result task's accumulator updates once, from its successful attempt only, so a retried task
 * counts once. Each task works on its own copy (not thread-safe, as Spark requires).
 */
final class TypeCounts extends AccumulatorV2<String, Map<String, Long>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<String, Long> counts = new TreeMap<>();

    @Override
    public boolean isZero() {
        return counts.isEmpty();
    }

    @Override
    public TypeCounts copy() {
        TypeCounts c = new TypeCounts();
        c.counts.putAll(counts);
        return c;
    }

    @Override
    public void reset() {
        counts.clear();
    }

    @Override
    public void add(String type) {
        counts.merge(type, 1L, Long::sum);
    }

    @Override
    public void merge(AccumulatorV2<String, Map<String, Long>> other) {
        other.value().forEach((type, n) -> counts.merge(type, n, Long::sum));
    }

    @Override
    public Map<String, Long> value() {
        return java.util.Collections.unmodifiableMap(counts);
    }
}
