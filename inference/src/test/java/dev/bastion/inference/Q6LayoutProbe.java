package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.Random;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A harness (not a unit test): {@link Q6_Kx4Bytes#dot4} on main's group layout (each group's quants, then its
 * headers) against a copy of the same kernel on a copy of the matrix whose groups hold the headers first (then the
 * quants: still on 64-byte multiples when the super-blocks per row are a multiple of 8), so a kernel only ever
 * reads forwards within a group. Alternated in one JVM, order swapped every round, bits compared; one thread,
 * thread CPU time, ns per row; round 0 is the warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q6LayoutProbe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q6LayoutProbe {

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

    /** Where the touched bytes go, so C2 keeps the loads. */
    static long sink;

    private Q6LayoutProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int nb = cols / 256;
        MemorySegment w = KernelBench.weights(GgmlType.Q6_K, rows, cols);
        MemorySegment main = AnonymousMemory.allocate(w.byteSize()).orElseThrow();
        Q6_Kx4.repack(w, main, rows, cols);
        MemorySegment first = AnonymousMemory.allocate(w.byteSize()).orElseThrow();
        long gb = Q6_Kx4.groupBytes(cols);
        for (long g = 0; g < rows / 4; g++) {
            MemorySegment.copy(main, gb * g + 768L * nb, first, gb * g, 72L * nb);
            MemorySegment.copy(main, gb * g, first, gb * g + 72L * nb, 768L * nb);
        }
        MemorySegment[][] groups = {Q6_Kx4.groups(main, rows, cols), Q6_Kx4.groups(first, rows, cols)};
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[][] out = {new float[rows], new float[rows], new float[rows]};
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round <= rounds; round++) {
            double[] ns = new double[3];
            for (int side = 0; side < 3; side++) {
                int i = (side + round) % 3;
                long t0 = KernelBench.now();
                for (int k = 0; k < reps; k++) {
                    Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                    for (int g = 0; g < rows / 4; g++) {
                        if (i == 0) {
                            Q6_Kx4Bytes.dot4(groups[0][g], spread, cols, out[0], 4 * g);
                        } else if (i == 2) {
                            dot4Touch(groups[0][g], spread, cols, out[2], 4 * g);
                        } else {
                            dot4HeadersFirst(groups[1][g], spread, cols, out[1], 4 * g);
                        }
                    }
                }
                ns[i] = (KernelBench.now() - t0) / (double) reps / rows;
            }
            for (int r = 0; r < rows; r++) {
                if (Float.floatToRawIntBits(out[0][r]) != Float.floatToRawIntBits(out[1][r])
                        || Float.floatToRawIntBits(out[0][r]) != Float.floatToRawIntBits(out[2][r])) {
                    throw new AssertionError("row " + r);
                }
            }
            if (round > 0) {
                best[0] = Math.min(best[0], ns[0]);
                best[1] = Math.min(best[1], ns[1]);
                best[2] = Math.min(best[2], ns[2]);
            }
            System.out.printf(Locale.ROOT, "round %d: main's layout %.1f ns/row, headers first %.1f ns/row, main's with the headers touched first %.1f ns/row%n",
                    round, ns[0], ns[1], ns[2]);
        }
        System.out.printf(Locale.ROOT, "Q6_K %d x %d best (bits equal): main's layout %.1f, headers first %.1f ns/row (%.2fx), touched %.1f (%.2fx)%n",
                rows, cols, best[0], best[1], best[0] / best[1], best[2], best[0] / best[2]);
    }

    static void dot4HeadersFirst(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = 72L * b;
            // d of the four rows, each four times over, from f16 exactly (the floats of Float.float16ToFloat) with
            // no subnormal float operand: the exponent re-biased by an int add (normal halves), infinities and NaNs
            // given the all-ones exponent, subnormal halves (most Q6_K d's) as magnitude * 2^-24. Moving the bits
            // into a float and multiplying by 2^112, as this did until round fifteen, multiplies a subnormal float
            // for a subnormal half, and each such instruction takes a microcode assist (Java never sets DAZ):
            // 1.5-2x per row on Q6_K (docs/inference-kernels.md, round fifteen)
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
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
                    long q = 72L * (cols / 256) + 768L * b + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
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
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
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
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 24)).reinterpretAsBytes()
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

    static void dot4Touch(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        long touch = 0; // every line of the group's headers loaded at once, so their misses overlap
        for (long o = Q6_Kx4.header(0, cols / 256); o < Q6_Kx4.groupBytes(cols); o += 64) {
            touch += w.get(LONG, o);
        }
        sink = touch;
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
            // d of the four rows, each four times over, from f16 exactly (the floats of Float.float16ToFloat) with
            // no subnormal float operand: the exponent re-biased by an int add (normal halves), infinities and NaNs
            // given the all-ones exponent, subnormal halves (most Q6_K d's) as magnitude * 2^-24. Moving the bits
            // into a float and multiplying by 2^112, as this did until round fifteen, multiplies a subnormal float
            // for a subnormal half, and each such instruction takes a microcode assist (Java never sets DAZ):
            // 1.5-2x per row on Q6_K (docs/inference-kernels.md, round fifteen)
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
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
                    long q = Q6_Kx4.quants(b) + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
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
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
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
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 24)).reinterpretAsBytes()
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
