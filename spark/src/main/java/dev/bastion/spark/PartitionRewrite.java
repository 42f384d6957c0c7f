package dev.bastion.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * Rewrites the chosen string columns of one partition's rows, in order, with the JVM's {@link TextRewriter}
 * (nulls stay null, other columns pass through), and, for {@code pseudonymise}, writes the partition's vault rows:
 * in batches of {@value #BATCH} new rows, the last batch when the input is exhausted, before the task hands its
 * output to the writer.
 */
final class PartitionRewrite implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 5_000;
    private static final int SEEN_LIMIT = 200_000;

    private final RewriteSpec spec;
    private final int[] columns;
    private final TypeCounts counts;
    private final LongAccumulator rows;

    PartitionRewrite(RewriteSpec spec, int[] columns, TypeCounts counts, LongAccumulator rows) {
        this.spec = spec;
        this.columns = columns.clone();
        this.counts = counts;
        this.rows = rows;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TextRewriter rewriter = TextRewriter.forSpec(spec);
        Map<String, Vault.Row> pending = new LinkedHashMap<>();
        Set<String> written = new HashSet<>(); // surrogates this task wrote: repeats are not sealed again
        TextRewriter.Sink sink = spec.pseudonymise()
                ? (type, value, surrogate) -> {
                    counts.add(type);
                    if (!written.contains(surrogate)) {
                        pending.computeIfAbsent(surrogate, k -> new Vault.Row(type, rewriter.valueMac(value), surrogate,
                                rewriter.seal(surrogate, value)));
                    }
                }
                : (type, value, replacement) -> counts.add(type);
        return new Iterator<>() {
            private Vault vault;
            private boolean finished;

            @Override
            public boolean hasNext() {
                if (input.hasNext()) {
                    return true;
                }
                if (!finished) {
                    finished = true;
                    flush();
                    if (vault != null) {
                        vault.close();
                    }
                }
                return false;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row row = input.next();
                Object[] values = new Object[row.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = row.get(i);
                }
                for (int c : columns) {
                    if (values[c] != null) {
                        values[c] = rewriter.rewrite((String) values[c], sink);
                    }
                }
                rows.add(1);
                if (pending.size() >= BATCH) {
                    flush();
                }
                return RowFactory.create(values);
            }

            private void flush() {
                if (pending.isEmpty()) {
                    return;
                }
                if (vault == null) {
                    vault = Vault.open(spec.vaultUrl());
                    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
                    if (task != null) {
                        Vault v = vault;
                        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> closeQuietly(v));
                    }
                }
                List<Vault.Row> batch = new ArrayList<>(pending.values());
                vault.write(batch);
                if (written.size() > SEEN_LIMIT) {
                    written.clear(); // bounded memory: the primary key still keeps repeats out
                }
                written.addAll(pending.keySet());
                pending.clear();
            }
        };
    }

    private static void closeQuietly(Vault v) {
        try {
            v.close();
        } catch (IllegalStateException e) {
            // already closed, or the connection broke with the task
        }
    }
}
