package dev.bastion.inference;

import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): does C2's auto-vectoriser turn the plain-Java pair product
 * {@code a[2i] * b[2i] + a[2i + 1] * b[2i + 1]} over short arrays into {@code vpmaddwd} (or, with AVX-512 VNNI,
 * {@code vpdpwssd}), and is that faster than the Vector API's exact int8 product (16-bit multiplies, the halves
 * widened to ints)? Three loops over the same int8-valued shorts, each giving the same exact int: (1) the idiom
 * stored to an int array, then summed; (2) the idiom as a reduction into one int; (3) the Vector API. One thread,
 * thread CPU time, ns per 1024 products, best of the rounds; read the instructions with
 * {@code -XX:CompileCommand=print,dev.bastion.inference.MulAddIdiomProbe::*} (hex, fed to objdump).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.MulAddIdiomProbe [N [ROUNDS]]
 * </pre>
 */
public final class MulAddIdiomProbe {

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;

    private MulAddIdiomProbe() {
    }

    static int stored(short[] a, short[] b, int[] pairs) {
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
        int s = 0;
        for (int p : pairs) {
            s += p;
        }
        return s;
    }

    static int reduced(short[] a, short[] b) {
        int s = 0;
        for (int i = 0; i < a.length / 2; i++) {
            s += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
        return s;
    }

    static int vectorApi(short[] a, short[] b) {
        IntVector acc = IntVector.zero(I);
        for (int i = 0; i < a.length; i += 2 * S.length()) {
            ShortVector t = ShortVector.fromArray(S, a, i).mul(ShortVector.fromArray(S, b, i))
                    .add(ShortVector.fromArray(S, a, i + S.length()).mul(ShortVector.fromArray(S, b, i + S.length())));
            acc = acc.add((IntVector) t.convertShape(VectorOperators.S2I, I, 0))
                    .add((IntVector) t.convertShape(VectorOperators.S2I, I, 1));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Random random = new Random(8);
        short[] a = new short[n];
        short[] b = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = (short) (random.nextInt(255) - 127);
            b[i] = (short) (random.nextInt(64));
        }
        int[] pairs = new int[n / 2];
        int reps = 200_000_000 / n;
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round <= rounds; round++) {
            int[] sums = new int[3];
            double[] ns = new double[3];
            for (int v = 0; v < 3; v++) {
                long t0 = KernelBench.now();
                int s = 0;
                for (int k = 0; k < reps; k++) {
                    s += switch (v) {
                        case 0 -> stored(a, b, pairs);
                        case 1 -> reduced(a, b);
                        default -> vectorApi(a, b);
                    };
                }
                ns[v] = (KernelBench.now() - t0) / (double) reps * 1024 / n;
                sums[v] = s;
                if (round > 0) {
                    best[v] = Math.min(best[v], ns[v]);
                }
            }
            if (sums[0] != sums[1] || sums[1] != sums[2]) {
                throw new AssertionError("sums differ: " + java.util.Arrays.toString(sums));
            }
            System.out.printf(Locale.ROOT, "round %d: stored %.1f, reduced %.1f, Vector API %.1f ns per 1024%n",
                    round, ns[0], ns[1], ns[2]);
        }
        System.out.printf(Locale.ROOT, "n = %d best: stored idiom %.1f, reduced idiom %.1f, Vector API %.1f ns per 1024 products%n",
                n, best[0], best[1], best[2]);
    }
}
