package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): the K-quant int8 kernels of {@link KQuantInt8} timed side by side with variants
 * tried on 2026-12-06 (docs/inference-kernels.md, rounds seven and eight; {@link KQuantRound7} holds the kernels of round seven), alternated over rounds in one JVM, each checked
 * against its scalar twin first. One thread, thread CPU time ({@link KernelBench#now}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.KQuantProbe ROWS COLS
 * </pre>
 */
public final class KQuantProbe {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private KQuantProbe() {
    }

    /** The Q4_K kernel of 2026-12-05: each sub-block's shorts converted to floats and scaled on their own. */
    static float q4FloatPerSubBlock(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            for (int j = 0; j < 4; j++) {
                long q = p + 16 + 32L * j;
                int xb = 256 * b + 64 * j;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, q + 16, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lo = q0.and((short) 15).mul(ShortVector.fromArray(S, xq, xb))
                        .add(q1.and((short) 15).mul(ShortVector.fromArray(S, xq, xb + 16)));
                ShortVector hi = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S, xq, xb + 48)));
                float s0 = d * (int) ((sc >>> (16 * j)) & 0xFF);
                float s1 = d * (int) ((sc >>> (16 * j + 8)) & 0xFF);
                acc0 = ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0))
                        .fma(FloatVector.broadcast(F, s0), acc0);
                acc1 = ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0))
                        .fma(FloatVector.broadcast(F, s1), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - minimums;
    }

    /** The Q6_K kernel of 2026-12-05, likewise. */
    static float q6FloatPerSubBlock(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 210L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p + 208)) * xd[b];
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half;
                long qh = p + 128 + 32L * half;
                long sc = p + 192 + 8L * half;
                int xb = 256 * b + 128 * half;
                for (int g = 0; g < 32; g += 16) {
                    ShortVector a = (ShortVector) ByteVector.fromMemorySegment(B, w, ql + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector c = (ShortVector) ByteVector.fromMemorySegment(B, w, ql + 32 + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector h = (ShortVector) ByteVector.fromMemorySegment(B, w, qh + g, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector p0 = a.and((short) 15).or(h.and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + g));
                    ShortVector p1 = c.and((short) 15).or(h.and((short) 12).lanewise(VectorOperators.LSHL, 2))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 32 + g));
                    ShortVector p2 = a.lanewise(VectorOperators.LSHR, 4).or(h.and((short) 48))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 64 + g));
                    ShortVector p3 = c.lanewise(VectorOperators.LSHR, 4)
                            .or(h.lanewise(VectorOperators.LSHR, 2).and((short) 48))
                            .sub((short) 32).mul(ShortVector.fromArray(S, xq, xb + 96 + g));
                    int s = g / 16;
                    acc0 = ((FloatVector) p0.convertShape(VectorOperators.S2F, F, 0)).fma(
                            FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + s)), acc0);
                    acc1 = ((FloatVector) p1.convertShape(VectorOperators.S2F, F, 0)).fma(
                            FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 2 + s)), acc1);
                    acc0 = ((FloatVector) p2.convertShape(VectorOperators.S2F, F, 0)).fma(
                            FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 4 + s)), acc0);
                    acc1 = ((FloatVector) p3.convertShape(VectorOperators.S2F, F, 0)).fma(
                            FloatVector.broadcast(F, d * w.get(ValueLayout.JAVA_BYTE, sc + 6 + s)), acc1);
                }
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Q5_K with the sums in int lanes and one conversion per super-block, as Q4_K and Q6_K now: no faster. */
    static float q5IntAcc(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            for (int j = 0; j < 4; j++) {
                long q = p + 48 + 32L * j;
                int xb = 256 * b + 64 * j;
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, q + 16, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lo0 = q0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector lo1 = q1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4));
                ShortVector hi0 = q0.lanewise(VectorOperators.LSHR, 4)
                        .or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector hi1 = q1.lanewise(VectorOperators.LSHR, 4)
                        .or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3));
                ShortVector lo = lo0.mul(ShortVector.fromArray(S, xq, xb))
                        .add(lo1.mul(ShortVector.fromArray(S, xq, xb + 16)));
                ShortVector hi = hi0.mul(ShortVector.fromArray(S, xq, xb + 32))
                        .add(hi1.mul(ShortVector.fromArray(S, xq, xb + 48)));
                int s0 = (int) ((sc >>> (16 * j)) & 0xFF);
                int s1 = (int) ((sc >>> (16 * j + 8)) & 0xFF);
                i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul(s0).add(i0);
                i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul(s1).add(i1);
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
            }
            acc = ((FloatVector) i0.add(i1).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) - minimums;
    }

    /** Q5_K written out as {@link KQuantInt8#dotQ5_K}, but with int accumulation per super-block as Q4_K and Q6_K. */
    static float q5FlatInt(MemorySegment w, long off, Q8K x, int cols) {
        short[] xq = x.q();
        float[] xd = x.d();
        int[] xs = x.sums();
        FloatVector acc = FloatVector.zero(F);
        float minimums = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long p = off + 176L * b;
            int xb = 256 * b;
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, p + 2)) * xd[b];
            long sc = VectorKernels.k4ScaleBytes(w, p);
            long mn = VectorKernels.k4MinBytes(w, p);
            minimums += dmin * minSum(mn, xs, 8 * b);
            // the fifth bits of values 0-15 and 16-31 of every sub-block: bits 2j and 2j + 1 for sub-blocks 2j, 2j + 1
            ShortVector h0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector h1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = IntVector.zero(I);
            ShortVector q0;
            ShortVector q1;
            ShortVector lo;
            ShortVector hi;
            // sub-blocks 0 (low nibbles, fifth bit 0 of qh) and 1 (high nibbles, bit 1)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                    .mul(ShortVector.fromArray(S, xq, xb))
                    .add(q1.and((short) 15).or(h1.and((short) 1).lanewise(VectorOperators.LSHL, 4))
                            .mul(ShortVector.fromArray(S, xq, xb + 16)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                    .mul(ShortVector.fromArray(S, xq, xb + 32))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 2).lanewise(VectorOperators.LSHL, 3))
                            .mul(ShortVector.fromArray(S, xq, xb + 48)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) (sc & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 8) & 0xFF)).add(i1);
            // sub-blocks 2 (low nibbles, fifth bit 2 of qh) and 3 (high nibbles, bit 3)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 80, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 96, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 4).lanewise(VectorOperators.LSHL, 2))
                    .mul(ShortVector.fromArray(S, xq, xb + 64))
                    .add(q1.and((short) 15).or(h1.and((short) 4).lanewise(VectorOperators.LSHL, 2))
                            .mul(ShortVector.fromArray(S, xq, xb + 80)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 8).lanewise(VectorOperators.LSHL, 1))
                    .mul(ShortVector.fromArray(S, xq, xb + 96))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 8).lanewise(VectorOperators.LSHL, 1))
                            .mul(ShortVector.fromArray(S, xq, xb + 112)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 16) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 24) & 0xFF)).add(i1);
            // sub-blocks 4 (low nibbles, fifth bit 4 of qh) and 5 (high nibbles, bit 5)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 112, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 128, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 16))
                    .mul(ShortVector.fromArray(S, xq, xb + 128))
                    .add(q1.and((short) 15).or(h1.and((short) 16))
                            .mul(ShortVector.fromArray(S, xq, xb + 144)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 32).lanewise(VectorOperators.LSHR, 1))
                    .mul(ShortVector.fromArray(S, xq, xb + 160))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 32).lanewise(VectorOperators.LSHR, 1))
                            .mul(ShortVector.fromArray(S, xq, xb + 176)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 32) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 40) & 0xFF)).add(i1);
            // sub-blocks 6 (low nibbles, fifth bit 6 of qh) and 7 (high nibbles, bit 7)
            q0 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 144, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            q1 = (ShortVector) ByteVector.fromMemorySegment(B, w, p + 160, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            lo = q0.and((short) 15).or(h0.and((short) 64).lanewise(VectorOperators.LSHR, 2))
                    .mul(ShortVector.fromArray(S, xq, xb + 192))
                    .add(q1.and((short) 15).or(h1.and((short) 64).lanewise(VectorOperators.LSHR, 2))
                            .mul(ShortVector.fromArray(S, xq, xb + 208)));
            hi = q0.lanewise(VectorOperators.LSHR, 4).or(h0.and((short) 128).lanewise(VectorOperators.LSHR, 3))
                    .mul(ShortVector.fromArray(S, xq, xb + 224))
                    .add(q1.lanewise(VectorOperators.LSHR, 4).or(h1.and((short) 128).lanewise(VectorOperators.LSHR, 3))
                            .mul(ShortVector.fromArray(S, xq, xb + 240)));
            i0 = ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 48) & 0xFF)).add(i0);
            i1 = ((IntVector) hi.convertShape(VectorOperators.S2I, I, 0)).mul((int) ((sc >>> 56) & 0xFF)).add(i1);
            acc = ((FloatVector) i0.add(i1).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) - minimums;
    }

    private static int minSum(long mins, int[] sums, int from) {
        int s = 0;
        for (int k = 0; k < 8; k++) {
            s += (int) ((mins >>> (8 * k)) & 0xFF) * sums[from + k];
        }
        return s;
    }

    interface Dot {
        float dot(MemorySegment w, long off, Q8K x, int cols);
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "2048");
        int cols = Integer.parseInt(args.length > 1 ? args[1] : "2048");
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            Dot twin = switch (type) {
                case Q4_K -> KQuantInt8Scalar::dotQ4_K;
                case Q5_K -> KQuantInt8Scalar::dotQ5_K;
                default -> KQuantInt8Scalar::dotQ6_K;
            };
            Dot[] dots = switch (type) {
                case Q4_K -> new Dot[] {KQuantInt8::dotQ4_K, KQuantRound7::dotQ4_K, KQuantProbe::q4FloatPerSubBlock};
                case Q5_K -> new Dot[] {KQuantInt8::dotQ5_K, KQuantRound7::dotQ5_K, KQuantProbe::q5FlatInt};
                default -> new Dot[] {KQuantInt8::dotQ6_K, KQuantRound7::dotQ6_K, KQuantProbe::q6FloatPerSubBlock};
            };
            String other = switch (type) {
                case Q5_K -> "flatInt";
                default -> "floatPerSub";
            };
            compare(type, rows, cols, twin, dots, new String[] {"KQuantInt8", "round7", other});
        }
    }

    private static void compare(GgmlType type, int rows, int cols, Dot twin, Dot[] dots, String[] names) {
        MemorySegment data = KernelBench.weights(type, rows, cols);
        long rb = type.byteSize(cols);
        float[] xf = KernelTwinsTest.gaussian(new Random(1), cols, 1f);
        Q8K x = Q8K.of(xf, cols);
        float[] ref = new float[rows];
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            ref[r] = twin.dot(data, rb * r, x, cols);
        }
        Runnable[] runs = new Runnable[dots.length];
        for (int v = 0; v < dots.length; v++) {
            Dot dot = dots[v];
            runs[v] = () -> {
                for (int r = 0; r < rows; r++) {
                    out[r] = dot.dot(data, rb * r, x, cols);
                }
            };
            runs[v].run();
            double err = 0;
            for (int r = 0; r < rows; r++) {
                err = Math.max(err, Math.abs(out[r] - ref[r]) / (1e-3 + Math.abs(ref[r])));
            }
            System.out.printf(Locale.ROOT, "%s %-10s max rel err vs scalar twin %.2e%n", type, names[v], err);
        }
        double[] best = new double[runs.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < 6; round++) { // alternated, best per variant
            for (int v = 0; v < runs.length; v++) {
                best[v] = Math.min(best[v], KernelBench.time(runs[v]));
            }
        }
        for (int v = 0; v < runs.length; v++) {
            System.out.printf(Locale.ROOT, "%s %d x %d %-10s %7.1f ns/row%n", type, rows, cols, names[v],
                    best[v] * 1e9 / rows);
        }
    }
}
