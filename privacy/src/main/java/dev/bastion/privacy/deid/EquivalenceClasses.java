package dev.bastion.privacy.deid;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Rows grouped by their quasi-identifier values: two rows are in the same class when every quasi-identifier has the
 * same (possibly generalised) value. Immutable and thread-safe.
 *
 * @param classOf for each row, the index of its class, or -1 for a suppressed row (in no class)
 * @param sizes the number of rows in each class, in order of first appearance
 */
public record EquivalenceClasses(int[] classOf, int[] sizes) {
    public EquivalenceClasses {
        Objects.requireNonNull(classOf, "classOf");
        Objects.requireNonNull(sizes, "sizes");
        for (int c : classOf) {
            if (c < -1 || c >= sizes.length) {
                throw new IllegalArgumentException("class index " + c + " out of range 0.." + (sizes.length - 1));
            }
        }
    }

    /**
     * Groups {@code rows} rows by the key {@code keyOf} gives each row; a null key means the row is suppressed.
     * Keys are compared with {@code equals}.
     */
    public static EquivalenceClasses group(int rows, IntFunction<List<String>> keyOf) {
        Map<List<String>, Integer> ids = new HashMap<>();
        int[] classOf = new int[rows];
        int[] sizes = new int[Math.max(16, rows / 4)];
        for (int r = 0; r < rows; r++) {
            List<String> key = keyOf.apply(r);
            if (key == null) {
                classOf[r] = -1;
                continue;
            }
            int id = ids.computeIfAbsent(key, k -> ids.size());
            if (id == sizes.length) {
                sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[id]++;
            classOf[r] = id;
        }
        return new EquivalenceClasses(classOf, java.util.Arrays.copyOf(sizes, ids.size()));
    }

    public int classes() {
        return sizes.length;
    }

    /** Rows in some class (not suppressed). */
    public int rows() {
        int n = 0;
        for (int s : sizes) {
            n += s;
        }
        return n;
    }

    /** The smallest class size (the data set's k), or 0 when every row is suppressed. */
    public int smallest() {
        int min = Integer.MAX_VALUE;
        for (int s : sizes) {
            min = Math.min(min, s);
        }
        return sizes.length == 0 ? 0 : min;
    }

    /**
     * The class-size histogram: {@code histogram().get(j)} is the number of classes with exactly {@code j} rows
     * (the c_j of the population-uniqueness models).
     */
    public java.util.SortedMap<Integer, Integer> histogram() {
        java.util.TreeMap<Integer, Integer> h = new java.util.TreeMap<>();
        for (int s : sizes) {
            h.merge(s, 1, Integer::sum);
        }
        return h;
    }

    /** Rows in classes smaller than {@code k}. */
    public int rowsInClassesSmallerThan(int k) {
        int n = 0;
        for (int s : sizes) {
            if (s < k) {
                n += s;
            }
        }
        return n;
    }
}
