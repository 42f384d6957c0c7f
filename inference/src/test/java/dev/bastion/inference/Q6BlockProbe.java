package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): one Q6_K matrix copied into seven group layouts and one copy of
 * {@link Q6_Kx4Bytes#dot4} that takes where each super-block's quants, d's and scales start, timed on each layout,
 * rotated every round in one JVM (round 0 is the warm-up), every layout's rows compared bit for bit with
 * {@link Q6_Kx4Bytes#dot4} on the engine's layout at the end. Layouts: 0, round sixteen's (every super-block's
 * quants, then all the headers); 1, each super-block's quants then its header, padded to 896 bytes (every load on a
 * cache line); 2, the same unpadded (840); 3, the group's d's first, then each super-block's quants and scales (832,
 * aligned when nb is a multiple of 8); 4, all the headers first, then all the quants (round sixteen's
 * Q6LayoutProbe, which built its copies from that round's layout and is gone with it); 5, each super-block's header
 * then its quants (840; the engine's since round seventeen); 6, layout 5 with a kernel that reads only the first
 * 2048 activations (wrong rows, not compared: a probe of the activations' cache footprint). {@code -Dprobe.ways=0,5}
 * times only those. One thread, thread CPU time, ns per row, the best round and the mean of the per-round ratios
 * to layout 0 (0.00x when layout 0 is not timed).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q6BlockProbe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q6BlockProbe {

    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final VectorShuffle<Short> SWAP = VectorShuffle.iota(S512, 16, 1, true);

    private Q6BlockProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int nb = cols / 256;
        String[] names = {"round 16 (quants, then headers)", "blocked 896", "blocked 840", "d first 832", "headers first", "header, quants (round 17)", "round 17, 2048 activations (wrong rows)"};
        long[] groupBytes = {840L * nb, 896L * nb, 840L * nb, 840L * nb, 840L * nb, 840L * nb, 840L * nb};
        long[][] layouts = {
            {0, 768, 768L * nb, 72, 768L * nb + 8, 72},
            {0, 896, 768, 896, 776, 896},
            {0, 840, 768, 840, 776, 840},
            {8L * nb, 832, 0, 8, 8L * nb + 768, 832},
            {72L * nb, 768, 0, 72, 8, 72},
            {72, 840, 0, 840, 8, 840},
            {72, 840, 0, 840, 8, 840},
        };
        int ways = names.length;
        boolean[] use = new boolean[ways]; // -Dprobe.ways=0,5: only those layouts
        for (String u : System.getProperty("probe.ways", "0,1,2,3,4,5,6").split(",")) {
            use[Integer.parseInt(u.trim())] = true;
        }
        MemorySegment w = KernelBench.weights(GgmlType.Q6_K, rows, cols);
        MemorySegment packed = AnonymousMemory.allocate(w.byteSize()).orElseThrow();
        Q6_Kx4.repack(w, packed, rows, cols);
        MemorySegment[] main = Q6_Kx4.groups(packed, rows, cols);
        MemorySegment[][] groups = new MemorySegment[ways][rows / 4];
        for (int i = 0; i < ways; i++) {
            MemorySegment m = AnonymousMemory.allocate(groupBytes[i] * (rows / 4)).orElseThrow();
            long[] l = layouts[i];
            for (int g = 0; g < rows / 4; g++) {
                groups[i][g] = m.asSlice(groupBytes[i] * g, groupBytes[i]);
                for (int b = 0; b < nb; b++) {
                    MemorySegment.copy(main[g], Q6_Kx4.quants(b), groups[i][g], l[0] + l[1] * b, 768);
                    MemorySegment.copy(main[g], Q6_Kx4.header(b, nb), groups[i][g], l[2] + l[3] * b, 8);
                    MemorySegment.copy(main[g], Q6_Kx4.header(b, nb) + 8, groups[i][g], l[4] + l[5] * b, 64);
                }
            }
        }
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[][] out = new float[ways][rows];
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double[] best = new double[ways];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        double[] sum = new double[ways];
        for (int round = 0; round <= rounds; round++) {
            double[] ns = new double[ways];
            for (int side = 0; side < ways; side++) {
                int i = (side + round) % ways;
                if (!use[i]) {
                    continue;
                }
                long t0 = KernelBench.now();
                for (int k = 0; k < reps; k++) {
                    Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                    for (int g = 0; g < rows / 4; g++) {
                        if (i == 6) {
                            dot4SmallActivations(groups[i][g], layouts[i], spread, cols, out[i], 4 * g);
                        } else {
                            dot4(groups[i][g], layouts[i], spread, cols, out[i], 4 * g);
                        }
                    }
                }
                ns[i] = (KernelBench.now() - t0) / (double) reps / rows;
            }
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int i = 0; i < ways; i++) {
                if (!use[i]) {
                    continue;
                }
                if (round > 0) {
                    best[i] = Math.min(best[i], ns[i]);
                    sum[i] += ns[0] / ns[i];
                }
                line.append(String.format(Locale.ROOT, " %s %.1f", names[i], ns[i]));
            }
            System.out.println(line + " ns/row");
        }
        Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
        float[] want = new float[rows];
        for (int g = 0; g < rows / 4; g++) {
            Q6_Kx4Bytes.dot4(main[g], spread, cols, want, 4 * g);
        }
        for (int i = 0; i < ways; i++) {
            for (int r = 0; r < rows && use[i] && i != 6; r++) {
                if (Float.floatToRawIntBits(out[i][r]) != Float.floatToRawIntBits(want[r])) {
                    throw new AssertionError(names[i] + " row " + r);
                }
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Q6_K %d x %d best (bits equal):", rows, cols));
        for (int i = 0; i < ways; i++) {
            if (!use[i]) {
                continue;
            }
            line.append(String.format(Locale.ROOT, " %s %.1f (mean ratio %.2fx)", names[i], best[i], sum[i] / rounds));
        }
        System.out.println(line + " ns/row");
    }

    /**
     * {@link Q6_Kx4Bytes#dot4} on a layout given by where super-block b's quants ({@code l[0] + l[1] b}), d's
     * ({@code l[2] + l[3] b}) and scales ({@code l[4] + l[5] b}) start.
     */
    static void dot4(MemorySegment w, long[] l, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        MemorySegment hw = w;
        long q0 = l[0], q1 = l[1], d0 = l[2], d1 = l[3], s0 = l[4], s1 = l[5];
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = d0 + d1 * b;
            long ps = s0 + s1 * b;
            // d of the four rows, each four times over, from f16 exactly (the floats of Float.float16ToFloat) with
            // no subnormal float operand: the exponent re-biased by an int add (normal halves), infinities and NaNs
            // given the all-ones exponent, subnormal halves (most Q6_K d's) as magnitude * 2^-24. Moving the bits
            // into a float and multiplying by 2^112, as this did until round fifteen, multiplies a subnormal float
            // for a subnormal half, and each such instruction takes a microcode assist (Java never sets DAZ):
            // 1.5-2x per row on Q6_K (docs/inference-kernels.md, round fifteen)
            IntVector hd = (IntVector) LongVector.broadcast(L512, hw.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400));
            FloatVector d = bits.or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                    .mul(xd[b]);
            for (int n = 0; n < 2; n++) {
                IntVector a = IntVector.zero(I512);
                for (int h = 0; h < 2; h++) {
                    long q = q0 + q1 * b + 384L * n + 64L * h;
                    long sc = ps + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ByteVector av = ByteVector.fromMemorySegment(B512, w, q, LE);
                    ByteVector cv = ByteVector.fromMemorySegment(B512, w, q + 128, LE);
                    ByteVector hv = ByteVector.fromMemorySegment(B512, w, q + 256, LE);
                    ShortVector hs = hv.reinterpretAsShorts();
                    ByteVector k;
                    ShortVector t;
                    // quarter 0: a & 15 | (h & 3) << 4
                    k = av.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 32)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 16)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    k = cv.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hs.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes()
                                    .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 384))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 416)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 24)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                }
                acc = ((FloatVector) a.convert(VectorOperators.I2F, 0)).fma(d, acc);
            }
        }
        FloatVector s = acc.add(acc.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /**
     * As {@link #dot4}, but reading only the first 2048 activations (wrong rows: a probe of the activations' cache footprint); a layout given by where super-block b's quants ({@code l[0] + l[1] b}), d's
     * ({@code l[2] + l[3] b}) and scales ({@code l[4] + l[5] b}) start.
     */
    static void dot4SmallActivations(MemorySegment w, long[] l, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        MemorySegment hw = w;
        long q0 = l[0], q1 = l[1], d0 = l[2], d1 = l[3], s0 = l[4], s1 = l[5];
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = d0 + d1 * b;
            long ps = s0 + s1 * b;
            // d of the four rows, each four times over, from f16 exactly (the floats of Float.float16ToFloat) with
            // no subnormal float operand: the exponent re-biased by an int add (normal halves), infinities and NaNs
            // given the all-ones exponent, subnormal halves (most Q6_K d's) as magnitude * 2^-24. Moving the bits
            // into a float and multiplying by 2^112, as this did until round fifteen, multiplies a subnormal float
            // for a subnormal half, and each such instruction takes a microcode assist (Java never sets DAZ):
            // 1.5-2x per row on Q6_K (docs/inference-kernels.md, round fifteen)
            IntVector hd = (IntVector) LongVector.broadcast(L512, hw.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400));
            FloatVector d = bits.or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                    .mul(xd[b]);
            for (int n = 0; n < 2; n++) {
                IntVector a = IntVector.zero(I512);
                for (int h = 0; h < 2; h++) {
                    long q = q0 + q1 * b + 384L * n + 64L * h;
                    long sc = ps + 32L * n + 4L * h;
                    int xs = (1024 * b + 512 * n + 64 * h) & 8191;
                    ByteVector av = ByteVector.fromMemorySegment(B512, w, q, LE);
                    ByteVector cv = ByteVector.fromMemorySegment(B512, w, q + 128, LE);
                    ByteVector hv = ByteVector.fromMemorySegment(B512, w, q + 256, LE);
                    ShortVector hs = hv.reinterpretAsShorts();
                    ByteVector k;
                    ShortVector t;
                    // quarter 0: a & 15 | (h & 3) << 4
                    k = av.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 32)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 16)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    k = cv.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hs.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes()
                                    .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 384))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 416)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, hw.get(INT, sc + 24)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                }
                acc = ((FloatVector) a.convert(VectorOperators.I2F, 0)).fma(d, acc);
            }
        }
        FloatVector s = acc.add(acc.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

}
