package dev.bastion.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A harness (not a unit test) that shows where one generation step's matrix time goes in a real GGUF file: every
 * weight matrix of the file is applied by {@link WeightMatrix#matvec} as a forward pass applies it, and the time
 * is summed per tensor role and type. The rounds alternate over all matrices, so drifting load hits every role
 * alike; each matrix keeps its best round (on a shared machine the slow rounds measure the other processes).
 * On one thread the clock is the thread's CPU time ({@link KernelBench#now}). With {@code -Dcopy=true} the output
 * head is timed a second time from a copy in anonymous native memory (file mapping against anonymous pages).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.ForwardProfile FILE...
 * </pre>
 */
public final class ForwardProfile {

    private ForwardProfile() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("threads=%d lanes=%d%n", Parallel.threads(), VectorKernels.LANES); // threads first: the clock
        for (String file : args) {
            profile(Path.of(file));
        }
    }

    private record Entry(String role, WeightMatrix matrix) {
    }

    private static void profile(Path path) throws Exception {
        try (GgufFile file = GgufFile.open(path)) {
            ModelConfig c = ModelConfig.from(file);
            Weights w = Weights.load(file, c);
            List<Entry> entries = new ArrayList<>();
            for (Weights.Layer l : w.layers()) {
                entries.add(new Entry("attn_q", l.wq()));
                entries.add(new Entry("attn_k", l.wk()));
                entries.add(new Entry("attn_v", l.wv()));
                entries.add(new Entry("attn_output", l.wo()));
                entries.add(new Entry("ffn_gate", l.gate()));
                entries.add(new Entry("ffn_up", l.up()));
                entries.add(new Entry("ffn_down", l.down()));
            }
            entries.add(new Entry("output", w.output()));
            if (Boolean.getBoolean("copy")) { // the output head again, copied into anonymous native memory
                WeightMatrix o = w.output();
                GgufTensor t = file.tensor(file.tensor("output.weight").isPresent() ? "output.weight"
                        : "token_embd.weight").orElseThrow();
                java.lang.foreign.MemorySegment copy = java.lang.foreign.Arena.ofAuto()
                        .allocate(file.data(t).byteSize(), 4096);
                copy.copyFrom(file.data(t));
                entries.add(new Entry("output-copy", WeightMatrix.of(o.type(), copy, o.rows(), o.cols())));
            }
            Random random = new Random(3);
            double[] best = new double[entries.size()];
            java.util.Arrays.fill(best, Double.MAX_VALUE);
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < entries.size(); i++) {
                    WeightMatrix m = entries.get(i).matrix();
                    float[] x = KernelTwinsTest.gaussian(random, m.cols(), 1f);
                    float[] out = new float[m.rows()];
                    long s = KernelBench.now();
                    m.matvec(x, out);
                    best[i] = Math.min(best[i], (KernelBench.now() - s) / 1e9);
                }
            }
            Map<String, double[]> byRole = new LinkedHashMap<>(); // seconds, bytes, count
            double total = 0;
            for (int i = 0; i < entries.size(); i++) {
                WeightMatrix m = entries.get(i).matrix();
                String key = String.format(Locale.ROOT, "%-12s %-5s %6d x %-5d", entries.get(i).role(), m.type(),
                        m.rows(), m.cols());
                double[] sum = byRole.computeIfAbsent(key, k -> new double[3]);
                sum[0] += best[i];
                sum[1] += m.rows() * (double) m.type().byteSize(m.cols());
                sum[2]++;
                total += best[i];
            }
            System.out.printf(Locale.ROOT, "== %s: matvec time of one token %.2f ms (best of 12 per matrix, %s)%n",
                    path.getFileName(), total * 1e3,
                    Parallel.threads() == 1 ? "thread CPU time" : "wall time");
            for (Map.Entry<String, double[]> e : byRole.entrySet()) {
                double[] v = e.getValue();
                String[] parts = e.getKey().trim().split("\\s+");
                int rows = Integer.parseInt(parts[2]);
                System.out.printf(Locale.ROOT, "%s  x%-3d %8.3f ms %5.1f%%  %6.1f GB/s %7.1f ns/row%n", e.getKey(),
                        (int) v[2], v[0] * 1e3, 100 * v[0] / total, v[1] / v[0] / 1e9, v[0] * 1e9 / (v[2] * rows));
            }
        }
    }
}
