package dev.bastion.privacy.synth;

import java.util.Arrays;

/**
 * A table over a set of columns given in increasing order, row-major like {@link Marginal} (the last column varies
 * fastest), holding counts, probabilities or log-potentials. The tables of the graphical model (GraphicalModel) and
 * the index maps its belief propagation and estimation run on. The record holds the array it is given (no copy):
 * callers inside this package never change a factor after making it.
 */
record Factor(int[] attributes, int[] sizes, double[] values) {
    Factor {
        if (attributes.length != sizes.length) {
            throw new IllegalArgumentException("a factor needs one size per attribute");
        }
        long cells = 1;
        for (int i = 0; i < attributes.length; i++) {
            if (i > 0 && attributes[i] <= attributes[i - 1]) {
                throw new IllegalArgumentException("factor attributes must increase: " + Arrays.toString(attributes));
            }
            cells *= sizes[i];
        }
        if (cells != values.length) {
            throw new IllegalArgumentException("a factor over " + Arrays.toString(sizes) + " has " + cells
                    + " cells, not " + values.length);
        }
    }

    /** A factor over {@code attributes} (increasing) of the columns of {@code domain}, every cell {@code value}. */
    static Factor filled(int[] attributes, int[] domain, double value) {
        int[] sizes = sizesOf(attributes, domain);
        double[] v = new double[Math.toIntExact(cells(sizes))];
        Arrays.fill(v, value);
        return new Factor(attributes, sizes, v);
    }

    static int[] sizesOf(int[] attributes, int[] domain) {
        int[] sizes = new int[attributes.length];
        for (int i = 0; i < attributes.length; i++) {
            sizes[i] = domain[attributes[i]];
        }
        return sizes;
    }

    static long cells(int[] sizes) {
        long c = 1;
        for (int s : sizes) {
            c *= s;
        }
        return c;
    }

    /**
     * For each cell of the table over {@code attributes} (sizes {@code sizes}), the cell of the table over
     * {@code sub} (a subset, increasing) that it falls into: an odometer over the big table's digits.
     */
    static int[] map(int[] attributes, int[] sizes, int[] sub) {
        int k = attributes.length;
        int[] stride = new int[k];
        int s = 1;
        for (int j = sub.length - 1; j >= 0; j--) {
            int pos = Arrays.binarySearch(attributes, sub[j]);
            if (pos < 0) {
                throw new IllegalArgumentException(Arrays.toString(sub) + " is not inside "
                        + Arrays.toString(attributes));
            }
            stride[pos] = s;
            s *= sizes[pos];
        }
        int[] out = new int[Math.toIntExact(cells(sizes))];
        int[] digit = new int[k];
        int index = 0;
        for (int cell = 0; cell < out.length; cell++) {
            out[cell] = index;
            for (int p = k - 1; p >= 0; p--) {
                digit[p]++;
                index += stride[p];
                if (digit[p] < sizes[p]) {
                    break;
                }
                index -= stride[p] * sizes[p];
                digit[p] = 0;
            }
        }
        return out;
    }

    /** This factor's cells mapped onto {@code sub}: see {@link #map}. */
    int[] mapOnto(int[] sub) {
        return map(attributes, sizes, sub);
    }

    /** The sizes of {@code sub} (a subset of this factor's attributes). */
    int[] sizesOf(int[] sub) {
        int[] out = new int[sub.length];
        for (int j = 0; j < sub.length; j++) {
            out[j] = sizes[Arrays.binarySearch(attributes, sub[j])];
        }
        return out;
    }

    /** Sums of the cells over everything outside {@code sub} (an odometer, no index map kept). */
    Factor sumOnto(int[] sub) {
        int[] subSizes = sizesOf(sub);
        double[] out = new double[Math.toIntExact(cells(subSizes))];
        int k = attributes.length;
        int[] stride = new int[k];
        int s = 1;
        for (int j = sub.length - 1; j >= 0; j--) {
            int pos = Arrays.binarySearch(attributes, sub[j]);
            stride[pos] = s;
            s *= sizes[pos];
        }
        // the innermost run of columns outside sub adds into one cell: sum it in a tight loop
        int inner = 1;
        int p = k - 1;
        while (p >= 0 && stride[p] == 0) {
            inner *= sizes[p--];
        }
        int[] digit = new int[k];
        int index = 0;
        for (int cell = 0; cell < values.length; cell += inner) {
            double sum = 0;
            for (int i = cell; i < cell + inner; i++) {
                sum += values[i];
            }
            out[index] += sum;
            for (int q = p; q >= 0; q--) {
                digit[q]++;
                index += stride[q];
                if (digit[q] < sizes[q]) {
                    break;
                }
                index -= stride[q] * sizes[q];
                digit[q] = 0;
            }
        }
        return new Factor(sub, subSizes, out);
    }

    /** log Σ exp of the cells over everything outside {@code sub} ({@code m} is {@code mapOnto(sub)}). */
    static double[] logSumExp(double[] values, int[] m, int cells) {
        double[] max = new double[cells];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < values.length; i++) {
            max[m[i]] = Math.max(max[m[i]], values[i]);
        }
        double[] sum = new double[cells];
        for (int i = 0; i < values.length; i++) {
            if (max[m[i]] != Double.NEGATIVE_INFINITY) {
                sum[m[i]] += Math.exp(values[i] - max[m[i]]);
            }
        }
        for (int j = 0; j < cells; j++) {
            sum[j] = max[j] == Double.NEGATIVE_INFINITY ? max[j] : max[j] + Math.log(sum[j]);
        }
        return sum;
    }

    /** The product of two factors, over the union of their attributes. */
    Factor times(Factor other) {
        int[] union = union(attributes, other.attributes);
        int[] unionSizes = new int[union.length];
        for (int i = 0; i < union.length; i++) {
            int p = Arrays.binarySearch(attributes, union[i]);
            unionSizes[i] = p >= 0 ? sizes[p] : other.sizes[Arrays.binarySearch(other.attributes, union[i])];
        }
        int[] a = map(union, unionSizes, attributes);
        int[] b = map(union, unionSizes, other.attributes);
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[a[i]] * other.values[b[i]];
        }
        return new Factor(union, unionSizes, out);
    }

    static int[] union(int[] x, int[] y) {
        return java.util.stream.IntStream.concat(Arrays.stream(x), Arrays.stream(y)).distinct().sorted().toArray();
    }

    static int[] intersection(int[] x, int[] y) {
        return Arrays.stream(x).filter(v -> Arrays.binarySearch(y, v) >= 0).toArray();
    }

    static boolean contains(int[] set, int[] sub) {
        for (int v : sub) {
            if (Arrays.binarySearch(set, v) < 0) {
                return false;
            }
        }
        return true;
    }
}
