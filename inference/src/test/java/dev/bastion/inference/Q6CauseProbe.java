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
 * A harness (not a unit test) for the cause of the Q6_K decode kernel's slowness from memory: a copy of
 * {@link Q6_Kx4Bytes#dot4} that reads its quants and its headers (d, scales) from two group slices, run over one
 * matrix eleven ways, rotated every round in one JVM: (0) both from group g, as the engine does; (1) headers from a
 * hot group (g mod 8), quants from g; (2) quants from a hot group, headers from g; (3) both from hot groups (the
 * kernel's compute alone); (4) a plain read of group g's bytes (64-byte loads or-ed together); (5) a copy whose
 * three 64-byte runs of each (half, h) lie side by side; (6) the six quant loads of a half issued first; (7, 8) the
 * reference {@link Q6_Kx4#dot4} on group g and on hot groups; (9, 10) {@link Q4_Kx4Folded#dot4} on a Q4_K matrix of
 * the same shape, likewise; (11) a copy with each super-block's quants then its header, padded to 896 bytes.
 * Variants 1-3, 8 and 10 give wrong rows on purpose (a probe only); the others' rows are compared bit for bit with
 * {@link Q6_Kx4Bytes#dot4} after the rounds. One thread, thread CPU time, ns per row; round 0 is the warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dbastion.inference.threads=1 \
 *     -cp inference/target/classes:inference/target/test-classes dev.bastion.inference.Q6CauseProbe ROWS COLS [ROUNDS]
 * </pre>
 */
public final class Q6CauseProbe {

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
    private static final String[] NAMES = {"real", "hot headers", "hot quants", "all hot", "plain read", "sequential layout", "loads ahead", "reference real", "reference hot", "Q4_K real", "Q4_K hot", "blocked 896"};

    /** Where the plain read goes, so C2 keeps the loads. */
    static long sink;

    private Q6CauseProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        MemorySegment w = KernelBench.weights(GgmlType.Q6_K, rows, cols);
        MemorySegment packed = AnonymousMemory.allocate(w.byteSize()).orElseThrow();
        Q6_Kx4.repack(w, packed, rows, cols);
        MemorySegment[] groups = Q6_Kx4.groups(packed, rows, cols);
        Q8K xq = Q8K.of(KernelTwinsTest.gaussian(new Random(1), cols, 1f), cols);
        float[] out = new float[rows];
        float[] outSeq = new float[rows];
        float[] outAhead = new float[rows];
        float[] outRef = new float[rows];
        float[] outBl = new float[rows];
        int nb = cols / 256;
        MemorySegment blocked = AnonymousMemory.allocate(896L * nb * (rows / 4)).orElseThrow();
        MemorySegment[] blGroups = new MemorySegment[rows / 4];
        for (int g = 0; g < rows / 4; g++) {
            blGroups[g] = blocked.asSlice(896L * nb * g, 896L * nb);
            for (int b = 0; b < nb; b++) {
                MemorySegment.copy(groups[g], Q6_Kx4.quants(b), blGroups[g], 896L * b, 768);
                MemorySegment.copy(groups[g], Q6_Kx4.header(b, nb), blGroups[g], 896L * b + 768, 72);
            }
        }
        MemorySegment w4 = KernelBench.weights(GgmlType.Q4_K, rows, cols);
        MemorySegment packed4 = AnonymousMemory.allocate(Q4_Kx4.packedBytes(rows, cols)).orElseThrow();
        Q4_Kx4.repack(w4, packed4, rows, cols);
        MemorySegment[] q4groups = Q4_Kx4.groups(packed4, rows, cols);
        MemorySegment seq = AnonymousMemory.allocate(w.byteSize()).orElseThrow();
        MemorySegment.copy(packed, 0, seq, 0, packed.byteSize());
        MemorySegment[] seqGroups = Q6_Kx4.groups(seq, rows, cols);
        for (MemorySegment sg : seqGroups) { // quants of each (n, h): a, c, h runs of 64 bytes adjacent
            MemorySegment copy = MemorySegment.ofArray(sg.toArray(ValueLayout.JAVA_BYTE));
            for (int b = 0; b < cols / 256; b++) {
                for (int n = 0; n < 2; n++) {
                    for (int h = 0; h < 2; h++) {
                        for (int run = 0; run < 3; run++) {
                            MemorySegment.copy(copy, Q6_Kx4.quants(b) + 384L * n + 64L * h + 128L * run,
                                    sg, Q6_Kx4.quants(b) + 192L * (2 * n + h) + 64L * run, 64);
                        }
                    }
                }
            }
        }
        int reps = Math.max(1, (int) (400_000_000L / ((long) rows * cols)));
        int ways = NAMES.length;
        double[] best = new double[ways];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round <= rounds; round++) {
            double[] ns = new double[ways];
            for (int side = 0; side < ways; side++) {
                int i = (side + round) % ways;
                long t0 = KernelBench.now();
                for (int k = 0; k < reps; k++) {
                    Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
                    for (int g = 0; g < rows / 4; g++) {
                        switch (i) {
                            case 0 -> dot4(groups[g], groups[g], spread, cols, out, 4 * g);
                            case 1 -> dot4(groups[g], groups[g & 7], spread, cols, out, 4 * g);
                            case 2 -> dot4(groups[g & 7], groups[g], spread, cols, out, 4 * g);
                            case 3 -> dot4(groups[g & 7], groups[g & 7], spread, cols, out, 4 * g);
                            case 4 -> sink += read(groups[g]);
                            case 5 -> dot4Seq(seqGroups[g], seqGroups[g], spread, cols, outSeq, 4 * g);
                            case 6 -> dot4Ahead(groups[g], groups[g], spread, cols, outAhead, 4 * g);
                            case 7 -> Q6_Kx4.dot4(groups[g], spread, cols, outRef, 4 * g);
                            case 8 -> Q6_Kx4.dot4(groups[g & 7], spread, cols, out, 4 * g);
                            case 9 -> Q4_Kx4Folded.dot4(q4groups[g], spread, cols, out, 4 * g);
                            case 10 -> Q4_Kx4Folded.dot4(q4groups[g & 7], spread, cols, out, 4 * g);
                            default -> dot4Blocked(blGroups[g], blGroups[g], spread, cols, outBl, 4 * g);
                        }
                    }
                }
                ns[i] = (KernelBench.now() - t0) / (double) reps / rows;
            }
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int i = 0; i < ways; i++) {
                if (round > 0) {
                    best[i] = Math.min(best[i], ns[i]);
                }
                line.append(String.format(Locale.ROOT, " %s %.1f", NAMES[i], ns[i]));
            }
            System.out.println(line + " ns/row");
        }
        Q4_Kx4.Activations spread = Q4_Kx4.Activations.ofThread(xq);
        float[] want = new float[rows];
        for (int g = 0; g < rows / 4; g++) {
            dot4(groups[g], groups[g], spread, cols, out, 4 * g);
            Q6_Kx4Bytes.dot4(groups[g], spread, cols, want, 4 * g);
        }
        for (int r = 0; r < rows; r++) {
            if (Float.floatToRawIntBits(out[r]) != Float.floatToRawIntBits(want[r])
                    || Float.floatToRawIntBits(outSeq[r]) != Float.floatToRawIntBits(want[r])
                    || Float.floatToRawIntBits(outAhead[r]) != Float.floatToRawIntBits(want[r])
                    || Float.floatToRawIntBits(outRef[r]) != Float.floatToRawIntBits(want[r])
                    || Float.floatToRawIntBits(outBl[r]) != Float.floatToRawIntBits(want[r])) {
                throw new AssertionError("row " + r);
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Q6_K %d x %d best (real bits equal):", rows, cols));
        for (int i = 0; i < ways; i++) {
            line.append(String.format(Locale.ROOT, " %s %.1f", NAMES[i], best[i]));
        }
        System.out.println(line + " ns/row");
    }

    /** Group {@code g}'s bytes read as 64-byte vectors, or-ed together. */
    static long read(MemorySegment g) {
        ByteVector v = ByteVector.zero(B512);
        for (long o = 0; o + 64 <= g.byteSize(); o += 64) {
            v = v.or(ByteVector.fromMemorySegment(B512, g, o, LE));
        }
        return v.reinterpretAsLongs().lane(0);
    }

    /** {@link Q6_Kx4Bytes#dot4} with the headers read from {@code hw}. */
    static void dot4(MemorySegment w, MemorySegment hw, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
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

    /** {@link Q6_Kx4Bytes#dot4} on the sequential copy (a, c, h of each (n, h) adjacent). */
    static void dot4Seq(MemorySegment w, MemorySegment hw, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
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
                    long q = Q6_Kx4.quants(b) + 192L * (2 * n + h);
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ByteVector av = ByteVector.fromMemorySegment(B512, w, q, LE);
                    ByteVector cv = ByteVector.fromMemorySegment(B512, w, q + 64, LE);
                    ByteVector hv = ByteVector.fromMemorySegment(B512, w, q + 128, LE);
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

    /** {@link Q6_Kx4Bytes#dot4} with the six quant loads of a half issued first, in address order. */
    static void dot4Ahead(MemorySegment w, MemorySegment hw, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = Q6_Kx4.header(b, cols / 256);
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
                long qn = Q6_Kx4.quants(b) + 384L * n;
                ByteVector[] v = {ByteVector.fromMemorySegment(B512, w, qn, LE), ByteVector.fromMemorySegment(B512, w, qn + 64, LE),
                    ByteVector.fromMemorySegment(B512, w, qn + 128, LE), ByteVector.fromMemorySegment(B512, w, qn + 192, LE),
                    ByteVector.fromMemorySegment(B512, w, qn + 256, LE), ByteVector.fromMemorySegment(B512, w, qn + 320, LE)};
                for (int h = 0; h < 2; h++) {
                    long q = Q6_Kx4.quants(b) + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    ByteVector av = v[h];
                    ByteVector cv = v[2 + h];
                    ByteVector hv = v[4 + h];
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

    /** {@link Q6_Kx4Bytes#dot4} on the blocked copy (each super-block 896 bytes: its quants, header, padding). */
    static void dot4Blocked(MemorySegment w, MemorySegment hw, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = 896L * b + 768;
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
                    long q = 896L * b + 384L * n + 64L * h;
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
