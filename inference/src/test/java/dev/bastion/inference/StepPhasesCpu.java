package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A harness (not a unit test): where the CPU of a decode step of {@code n} sequences goes, phase by phase, against
 * {@code n} steps of one, on a real model file (the weights read from memory, not from a cache-sized probe
 * matrix). Products on one thread ({@code Parallel.configure(1)}), thread CPU time. Per round, in alternation:
 * every weight matrix of the model applied to n random inputs one at a time ({@link WeightMatrix#matvec}, what n
 * lone streams do) and all at once ({@link WeightMatrix#matvecEach}, what a step of n does), summed per phase
 * (the layers' matrices by type, the output head); and the activation rounding alone ({@link Q8K} and the spread
 * {@link Q4_Kx4.Activations}) per input. Prints each round and the fastest pass of each phase; checks that every
 * product of a step equals the lone one bit for bit.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx3g -cp inference/target/classes:inference/target/test-classes \
 *     dev.bastion.inference.StepPhasesCpu FILE N ROUNDS
 * </pre>
 */
public final class StepPhasesCpu {

    private StepPhasesCpu() {
    }

    private record Matrix(String phase, WeightMatrix w) {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Parallel.configure(1);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        try (LocalModel m = LocalModel.load(file, new LocalModel.Options(256, n, 0, KvCacheType.parse("f32")))) {
            Weights weights = m.transformer().weights;
            List<Matrix> matrices = new ArrayList<>();
            for (Weights.Layer l : weights.layers()) {
                for (WeightMatrix w : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down())) {
                    matrices.add(new Matrix("layers " + w.type() + " " + w.rows() + "x" + w.cols(), w));
                }
            }
            matrices.add(new Matrix("output " + weights.output().type(), weights.output()));
            SplittableRandom random = new SplittableRandom(17);
            Map<Integer, float[]> inputs = new LinkedHashMap<>();
            int maxRows = 0;
            for (Matrix x : matrices) {
                inputs.computeIfAbsent(x.w().cols(), cols -> {
                    float[] v = new float[n * cols];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) random.nextGaussian();
                    }
                    return v;
                });
                maxRows = Math.max(maxRows, x.w().rows());
            }
            float[] together = new float[n * maxRows];
            Map<String, Long> bestAlone = new LinkedHashMap<>();
            Map<String, Long> bestTogether = new LinkedHashMap<>();
            Map<String, Long> bestRounding = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                Map<String, Long> a = new LinkedHashMap<>();
                Map<String, Long> t = new LinkedHashMap<>();
                Map<String, Long> q = new LinkedHashMap<>();
                for (Matrix x : matrices) { // n lone products
                    int cols = x.w().cols();
                    int rows = x.w().rows();
                    float[] in = inputs.get(cols);
                    long t0 = bean.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        float[] one = java.util.Arrays.copyOfRange(in, i * cols, (i + 1) * cols);
                        float[] out = new float[rows];
                        x.w().matvec(one, out);
                    }
                    a.merge(x.phase(), bean.getCurrentThreadCpuTime() - t0, Long::sum);
                }
                for (Matrix x : matrices) { // one step of n
                    int cols = x.w().cols();
                    int rows = x.w().rows();
                    long t0 = bean.getCurrentThreadCpuTime();
                    x.w().matvecEach(inputs.get(cols), n, together);
                    t.merge(x.phase(), bean.getCurrentThreadCpuTime() - t0, Long::sum);
                }
                for (Matrix x : matrices) { // the activation rounding a step does per input
                    int cols = x.w().cols();
                    float[] in = inputs.get(cols);
                    long t0 = bean.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        Q4_Kx4.Activations.of(Q8K.of(java.util.Arrays.copyOfRange(in, i * cols, (i + 1) * cols), cols));
                    }
                    q.merge(x.phase(), bean.getCurrentThreadCpuTime() - t0, Long::sum);
                }
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (String phase : a.keySet()) {
                    line.append(String.format(Locale.ROOT, " | %s: %d alone %.1f ms, step %.1f ms (%.2fx), rounding %.1f ms",
                            phase, n, a.get(phase) / 1e6, t.get(phase) / 1e6, (double) a.get(phase) / t.get(phase),
                            q.get(phase) / 1e6));
                    bestAlone.merge(phase, a.get(phase), Math::min);
                    bestTogether.merge(phase, t.get(phase), Math::min);
                    bestRounding.merge(phase, q.get(phase), Math::min);
                }
                System.out.println(line);
            }
            for (Matrix x : matrices) { // not timed: every product of a step is the lone one, bit for bit
                int cols = x.w().cols();
                int rows = x.w().rows();
                float[] in = inputs.get(cols);
                x.w().matvecEach(in, n, together);
                for (int i = 0; i < n; i++) {
                    float[] out = new float[rows];
                    x.w().matvec(java.util.Arrays.copyOfRange(in, i * cols, (i + 1) * cols), out);
                    for (int k = 0; k < rows; k++) {
                        if (Float.floatToRawIntBits(together[i * rows + k]) != Float.floatToRawIntBits(out[k])) {
                            throw new AssertionError(x.phase() + ": row " + k + " input " + i + " differs in a step of "
                                    + n);
                        }
                    }
                }
            }
            System.out.println("every product of a step of " + n + " equals its lone product bit for bit");
            long sumA = 0;
            long sumT = 0;
            for (String phase : bestAlone.keySet()) {
                sumA += bestAlone.get(phase);
                sumT += bestTogether.get(phase);
                System.out.printf(Locale.ROOT, "best %s: %d alone %.1f ms, a step of %d %.1f ms: %.2fx; rounding %.1f ms%n",
                        phase, n, bestAlone.get(phase) / 1e6, n, bestTogether.get(phase) / 1e6,
                        (double) bestAlone.get(phase) / bestTogether.get(phase), bestRounding.get(phase) / 1e6);
            }
            System.out.printf(Locale.ROOT, "best all matrices: %d alone %.1f ms, a step of %d %.1f ms: %.2fx%n", n,
                    sumA / 1e6, n, sumT / 1e6, (double) sumA / sumT);
        }
    }
}
