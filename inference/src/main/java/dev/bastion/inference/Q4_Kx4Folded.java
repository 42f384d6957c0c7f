package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The single-input matvec kernel of {@link Q4_Kx4}'s interleaved groups with the two halves of each sub-block's
 * short sums added in shorts before one widening to ints: the same integer sums as {@link Q4_Kx4#dot4}, lane for
 * lane, so the same bits ({@code FoldedKernelsTest}); {@link Q4_Kx4#dot4} stays the reference (the kernel
 * {@link KQuantGroupsEach} reproduces per input), {@link Q4_Kx4#dotScalar} the scalar twin.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q4_Kx4Folded {

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final int QUANTS = 80;
    /** Lane i takes lane i mod 4: row r's d in lanes 4 k + r. */
    private static final VectorShuffle<Float> D = VectorShuffle.fromOp(F, i -> i % 4);
    /** Lane i takes lane 4 + i mod 4: row r's dmin in lanes 4 k + r. */
    private static final VectorShuffle<Float> DMIN = VectorShuffle.fromOp(F, i -> 4 + i % 4);
    /** Lanes 16-31 of 32 shorts moved to 0-15 (and back). */
    private static final VectorShuffle<Short> SWAP = VectorShuffle.iota(S512, 16, 1, true);

    private Q4_Kx4Folded() {
    }

    /*
     * Q4_Kx4.dot4 widens each sub-block's short sum t (32 lanes, lane 4 i + r: row r) to ints in two halves
     * (lanes 0-15 and 16-31: a sign extension of each, the upper one after a permute and a blend, as C2 compiles
     * S2I part 1) and adds them. Here the halves are added in shorts first (t + t with its halves swapped; the
     * sum is at most 2 * 4 * 15 * 127 = 15240 in magnitude, so it fits) and lanes 0-15 are widened once: the
     * same int in every lane, two to three vector operations fewer per sub-block. The rest is Q4_Kx4.dot4's
     * code, the same float steps in the same order.
     */
    /** Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations; to {@code out[r..r+3]}. */
    static void dot4(MemorySegment w, Q4_Kx4.Activations x, int cols, float[] out, int r) {
        short[] xq = x.q();
        int[] xs = x.sums();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            int xb = 1024 * b;
            IntVector a = IntVector.zero(I512);
            // sub-blocks 2 j and 2 j + 1; a loop, not written out: written out, the method was too large for C1
            // (out of virtual registers) and, without C1's profile, never reached C2
            for (int j = 0; j < 4; j++) {
                long q = p + QUANTS + 128L * j;
                int xj = xb + 256 * j;
                ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector t = c0.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj))
                        .add(c1.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 32)))
                        .add(c2.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 64)))
                        .add(c3.and((short) 15).mul(ShortVector.fromArray(S512, xq, xj + 96)));
                a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
                t = c0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 128))
                        .add(c1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 160)))
                        .add(c2.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 192)))
                        .add(c3.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, xq, xj + 224)));
                a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
            }
            // the minimums: lanes 4 s + r of sub-blocks s and s + 4
            IntVector m = ((IntVector) ByteVector.fromMemorySegment(B128, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).mul(IntVector.fromArray(I512, xs, 32 * b))
                    .add(((IntVector) ByteVector.fromMemorySegment(B128, w, p + 64, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0))
                            .mul(IntVector.fromArray(I512, xs, 32 * b + 16)));
            // d and dmin of the four rows (halves 0-3 and 4-7 at p; lanes 8-15 hold the scales' bytes, unused),
            // from f16 exactly with no subnormal float operand (as Q6_Kx4Bytes), converted once, then each
            // spread four times over: the floats of one conversion per vector as before, with half the work
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, p, LE)
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = h.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector halves = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            FloatVector d = halves.rearrange(D);
            FloatVector dmin = halves.rearrange(DMIN);
            acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
            mins = ((FloatVector) m.convertShape(VectorOperators.I2F, F, 0)).fma(dmin, mins);
        }
        FloatVector s = acc.sub(mins);
        s = s.add(s.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }

    /**
     * {@link #dot4} reading the activations and their sums as they come ({@link Q8K}) and spreading them over the
     * four rows in registers, as {@link Q6_Kx4Bytes#dot4(MemorySegment, Q8K, int, float[], int)} does (why: there):
     * the same products and sums, so the same bits. Rows {@code r .. r + 3} (the group {@code w}, its own slice)
     * times {@code x}; to {@code out[r..r+3]}.
     */
    static void dot4(MemorySegment w, Q8K x, int cols, float[] out, int r) {
        short[] xq = x.q();
        int[] xs = x.sums();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            IntVector a = IntVector.zero(I512);
            // sub-blocks 2 j and 2 j + 1; a loop, not written out: written out, the method was too large for C1
            // (out of virtual registers) and, without C1's profile, never reached C2
            for (int j = 0; j < 4; j++) {
                long q = p + QUANTS + 128L * j;
                // activations 64 j .. 64 j + 31 (sub-block 2 j) and 64 j + 32 .. 64 j + 63 (2 j + 1) of this block
                ShortVector lo = ShortVector.fromArray(S512, xq, 256 * b + 64 * j);
                ShortVector hi = ShortVector.fromArray(S512, xq, 256 * b + 64 * j + 32);
                ShortVector c0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 64, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector c3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, q + 96, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector t = c0.and((short) 15).mul(lo.rearrange(KQuantInt8.SPREAD_0))
                        .add(c1.and((short) 15).mul(lo.rearrange(KQuantInt8.SPREAD_8)))
                        .add(c2.and((short) 15).mul(lo.rearrange(KQuantInt8.SPREAD_16)))
                        .add(c3.and((short) 15).mul(lo.rearrange(KQuantInt8.SPREAD_24)));
                a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 16 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
                t = c0.lanewise(VectorOperators.LSHR, 4).mul(hi.rearrange(KQuantInt8.SPREAD_0))
                        .add(c1.lanewise(VectorOperators.LSHR, 4).mul(hi.rearrange(KQuantInt8.SPREAD_8)))
                        .add(c2.lanewise(VectorOperators.LSHR, 4).mul(hi.rearrange(KQuantInt8.SPREAD_16)))
                        .add(c3.lanewise(VectorOperators.LSHR, 4).mul(hi.rearrange(KQuantInt8.SPREAD_24)));
                a = ((IntVector) t.add(t.rearrange(SWAP)).convertShape(VectorOperators.S2I, I512, 0))
                        .mul((IntVector) IntVector.broadcast(I128, w.get(INT, p + 20 + 8L * j)).reinterpretAsBytes()
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).add(a);
            }
            // the minimums: lanes 4 s + r of sub-blocks s and s + 4
            IntVector m = ((IntVector) ByteVector.fromMemorySegment(B128, w, p + 48, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0)).mul(((IntVector) IntVector.fromArray(I128, xs, 8 * b).reinterpretShape(I512, 0)).rearrange(KQuantInt8.QUARTERS))
                    .add(((IntVector) ByteVector.fromMemorySegment(B128, w, p + 64, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0))
                            .mul(((IntVector) IntVector.fromArray(I128, xs, 8 * b + 4).reinterpretShape(I512, 0))
                                    .rearrange(KQuantInt8.QUARTERS)));
            // d and dmin of the four rows (halves 0-3 and 4-7 at p; lanes 8-15 hold the scales' bytes, unused),
            // from f16 exactly with no subnormal float operand (as Q6_Kx4Bytes), converted once, then each
            // spread four times over: the floats of one conversion per vector as before, with half the work
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, p, LE)
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = h.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
            FloatVector halves = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .blend(((FloatVector) mag.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f).reinterpretAsInts(),
                            mag.compare(VectorOperators.LT, 0x400))
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            FloatVector d = halves.rearrange(D);
            FloatVector dmin = halves.rearrange(DMIN);
            acc = ((FloatVector) a.convertShape(VectorOperators.I2F, F, 0)).fma(d, acc);
            mins = ((FloatVector) m.convertShape(VectorOperators.I2F, F, 0)).fma(dmin, mins);
        }
        FloatVector s = acc.sub(mins);
        s = s.add(s.rearrange(KQuantInt8.PLUS_8));
        s = s.add(s.rearrange(KQuantInt8.PLUS_4));
        out[r] = s.lane(0);
        out[r + 1] = s.lane(1);
        out[r + 2] = s.lane(2);
        out[r + 3] = s.lane(3);
    }
}
