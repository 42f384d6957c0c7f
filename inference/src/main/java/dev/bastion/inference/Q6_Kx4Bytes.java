package dev.bastion.inference;

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
 * The single-input matvec kernel of {@link Q6_Kx4}'s interleaved groups, with the six-bit quants cut out in byte
 * lanes and each sub-block's two short halves added before one widening: the same integer products and sums as {@link Q6_Kx4#dot4}, lane for lane, so the same bits
 * ({@code FoldedKernelsTest}); {@link Q6_Kx4#dot4} stays the reference (and the kernel {@link KQuantGroupsEach}
 * reproduces per input), {@link Q6_Kx4#dotScalar} the scalar twin.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q6_Kx4Bytes {

    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    /** Lanes 16-31 of 32 shorts moved to 0-15 (and back): the two halves of a product vector added in shorts. */
    private static final VectorShuffle<Short> SWAP = VectorShuffle.iota(S512, 16, 1, true);

    private Q6_Kx4Bytes() {
    }

    /*
     * Why bytes. Q6_Kx4.dot4 widens each 32-byte chunk to 32 shorts first and then cuts the quants out of the
     * shorts: per half n and 16 positions h, six widenings and, for each of the eight short vectors of quants,
     * two to three ands, shifts and ors and a subtraction of 32 (about 38 vector operations). Here the two chunks
     * of a run that the four quarters read (a0 a1, c0 c1, h0 h1: 64 contiguous bytes each) are loaded as one
     * 64-byte vector each, and the quants of a quarter for both chunks are cut out in one pass over 64 byte lanes:
     * the nibble or the two high bits are moved by a shift of the 16-bit lanes (a byte shift has no instruction)
     * and masked to the bits they land on, so no bit crosses into the neighbouring byte's result; q - 32 fits a
     * signed byte ([-32, 31]). Then each quarter's 64 bytes are sign-extended to two 32-short vectors (lanes 0-31:
     * chunk 0, 32-63: chunk 1), exactly the shorts Q6_Kx4.dot4 multiplies: about 21 byte operations and 12 for
     * the widenings per (n, h). After the products, the two halves of each sub-block's short sum t (lanes 0-15
     * and 16-31, which Q6_Kx4.dot4 widens to ints one by one, the upper after a permute and a blend) are added in
     * shorts first (t plus t with its halves swapped: at most 2 * 2 * 32 * 127 = 16256 in magnitude, so it fits)
     * and lanes 0-15 widened once. Each int lane then holds the integer Q6_Kx4.dot4's lane holds, and the float
     * steps are its own in the same order: the same bits.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
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
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
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
                acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
            }
        }
        FloatVector s = acc.add(acc.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /*
     * Why the activations as they come. Q4_Kx4.Activations holds each activation four times over (lane 4 i + r of a
     * 32-short load is activation i for row r): 8 bytes an activation, 16 KB for a row of 2048 and 64 KB for a row
     * of 8192, more than this machine's 48 KB first-level data cache, so every group of a ffn_down matrix read its
     * activations from the second level while its quants streamed from memory, and ran 2.3x slower per row than
     * the same kernel over 2048 activations (Q6BlockProbe, round seventeen). Here one 32-short load per quarter and
     * half covers the quarter's positions for both h, and a lane permute (vpermw) spreads eight of them over the four
     * rows: four loads and eight permutes per half instead of sixteen loads, 2 bytes an activation (16 KB for 8192).
     * The products are the same shorts, so every sum and the result are the same bits (FoldedKernelsTest).
     */
    /**
     * {@link #dot4} reading the activations as they come ({@code x.q()}, one short each) instead of four times over:
     * the same products and sums, so the same bits. Rows {@code r .. r + 3} (the group {@code w}, its own slice) times
     * {@code x}; to {@code out[r..r+3]}.
     */
    static void dot4(MemorySegment w, Q8K x, int cols, float[] out, int r) {
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
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            bits = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400));
            FloatVector d = bits.or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                    .mul(xd[b]);
            for (int n = 0; n < 2; n++) {
                IntVector a = IntVector.zero(I512);
                // activations 32 qq .. 32 qq + 31 of this half, one load per quarter qq for both h
                int xp = 256 * b + 128 * n;
                ShortVector x0 = ShortVector.fromArray(S512, xq, xp);
                ShortVector x1 = ShortVector.fromArray(S512, xq, xp + 32);
                ShortVector x2 = ShortVector.fromArray(S512, xq, xp + 64);
                ShortVector x3 = ShortVector.fromArray(S512, xq, xp + 96);
                for (int h = 0; h < 2; h++) {
                    VectorShuffle<Short> lo = h == 0 ? KQuantInt8.SPREAD_0 : KQuantInt8.SPREAD_16;
                    VectorShuffle<Short> hi = h == 0 ? KQuantInt8.SPREAD_8 : KQuantInt8.SPREAD_24;
                    long q = Q6_Kx4.quants(b) + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
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
                            .mul(x0.rearrange(lo))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(x0.rearrange(hi)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes()
                            .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(x1.rearrange(lo))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(x1.rearrange(hi)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(x2.rearrange(lo))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(x2.rearrange(hi)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    k = cv.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                            .and((byte) 15).or(hs.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes()
                                    .and((byte) 0x30)).sub((byte) 32);
                    t = ((ShortVector) k.convertShape(VectorOperators.B2S, S512, 0))
                            .mul(x3.rearrange(lo))
                            .add(((ShortVector) k.convertShape(VectorOperators.B2S, S512, 1))
                                    .mul(x3.rearrange(hi)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 24)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                }
                acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
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
