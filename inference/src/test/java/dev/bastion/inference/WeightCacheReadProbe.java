package dev.bastion.inference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A harness (not a unit test): do the kernels read the weights as fast from the weight cache's file mapping
 * ({@link WeightCache}) as from the anonymous memory of the in-memory repack? Loads FILE both ways in one JVM (the
 * cache in CACHE-DIR must be warm), runs every matrix's matvec once per pass on one thread ({@link Parallel} set to
 * 1), and alternates the two copies for ROUNDS rounds of PASSES passes, printing the thread CPU time and the process's
 * minor faults of each.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.WeightCacheReadProbe \
 *     FILE CACHE-DIR [ROUNDS] [PASSES]
 * </pre>
 */
public final class WeightCacheReadProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private WeightCacheReadProbe() {
    }

    public static void main(String[] args) throws Exception {
        Parallel.configure(1);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        try (GgufFile file = GgufFile.open(Path.of(args[0]))) {
            ModelConfig c = ModelConfig.from(file);
            WeightCache.Loaded cached = new WeightCache(Path.of(args[1])).load(file, c);
            if (!(cached.outcome() instanceof WeightCache.Outcome.Used)) {
                throw new IllegalStateException("the cache was not warm: " + cached.outcome());
            }
            Weights memory = Weights.load(file, c);
            List<WeightMatrix> a = matrices(cached.weights());
            List<WeightMatrix> b = matrices(memory);
            pass(a);
            pass(b);
            pass(a);
            pass(b);
            for (int r = 0; r < rounds; r++) {
                for (int which = 0; which < 2; which++) {
                    List<WeightMatrix> m = (r + which) % 2 == 0 ? a : b;
                    long faults = minorFaults();
                    long t0 = THREADS.getCurrentThreadCpuTime();
                    for (int p = 0; p < passes; p++) {
                        pass(m);
                    }
                    long cpu = THREADS.getCurrentThreadCpuTime() - t0;
                    System.out.printf(Locale.ROOT, "round %d %-7s cpu_ms_per_pass=%.1f minor_faults=%d%n", r,
                            m == a ? "mapped" : "memory", cpu / 1e6 / passes, minorFaults() - faults);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("FilePmdMapped") || line.startsWith("AnonHugePages") || line.startsWith("Rss")) {
                    System.out.println(line); // are the cache's pages mapped in 2 MB entries?
                }
            }
        }
    }

    private static List<WeightMatrix> matrices(Weights w) {
        List<WeightMatrix> all = new ArrayList<>(List.of(w.output()));
        for (Weights.Layer l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()));
        }
        return all;
    }

    private static float sink;

    private static void pass(List<WeightMatrix> all) {
        for (WeightMatrix m : all) {
            SplittableRandom r = new SplittableRandom(m.cols());
            float[] x = new float[m.cols()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] out = new float[m.rows()];
            m.matvec(x, out);
            sink += out[0];
        }
    }

    private static long minorFaults() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }
}
