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
 * The single-input matvec kernel of {@link Q6_Kx4}'s interleaved groups, with each run's two chunks interleaved
 * byte by byte so that the quants widen to shorts by a mask and a shift, and the quants' offset of 32 taken off
 * the folded short sums with sums of the activations computed once per matvec ({@link #corrections}). The same
 * integer in every int lane as {@link Q6_Kx4#dot4} and the same float steps in the same order, so the same bits
 * ({@code FoldedKernelsTest}); {@link Q6_Kx4#dot4} stays the reference, {@link Q6_Kx4#dotScalar} the scalar twin.
 *
 * <p>This class is stateless and thread-safe; {@link #corrections} returns a buffer of the calling thread.
 */
final class Q6_Kx4Pairs {

    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final int QUANTS = 72;
    /** Bytes 0-31 (chunk 0) to the even lanes, 32-63 (chunk 1) to the odd lanes: byte 2 j + k from 32 k + j. */
    private static final VectorShuffle<Byte> PAIRS = VectorShuffle.fromOp(B512, i -> (i & 1) * 32 + (i >> 1));
    /** Lanes 16-31 of 32 shorts moved to 0-15 (and back): the two halves of a product vector added in shorts. */
    private static final VectorShuffle<Short> SWAP = VectorShuffle.iota(S512, 16, 1, true);
    /** Shift counts as vectors: C2 compiles a shift by a vector of counts to one vpsllvw or vpsrlvw. */
    private static final ShortVector TWO = ShortVector.broadcast(S512, (short) 2);
    private static final ShortVector FOUR = ShortVector.broadcast(S512, (short) 4);
    private static final ShortVector EIGHT = ShortVector.broadcast(S512, (short) 8);
    private static final ThreadLocal<short[][]> BUFFERS = ThreadLocal.withInitial(() -> new short[4][]);

    private Q6_Kx4Pairs() {
    }

    /*
     * Why pairs. Q6_Kx4Bytes cuts each quarter's quants (q - 32) out in 64 byte lanes (chunk 0 in bytes 0-31,
     * chunk 1 in 32-63) and sign-extends them to two short vectors: C2 compiles part 0 to one vpmovsxbw and part
     * 1 to a vpermb, a vpblendmb and a vpmovsxbw, all on the one shuffle port. Here the three 64-byte loads of a
     * run (a, c, h) are first permuted once each so that byte 2 j is chunk 0's byte j and byte 2 j + 1 chunk 1's
     * (one vpermb per load, shared by the four quarters); the bit cutting is byte-wise, so it gives the same
     * quants in that order, and they are left unsigned (0-63): then, as 32 shorts, q & 0xff is chunk 0's quants
     * widened and q >>> 8 chunk 1's, lane for lane the shorts Q6_Kx4Bytes multiplies (two simple operations for
     * four, and no subtraction of 32 per quarter). The products q * x (at most 63 * 127) are summed and folded as
     * before (at most 4 * 63 * 127 = 32004: no overflow), and the offset comes off in one subtraction: 32 times the
     * sum of the four activations each folded lane holds ({@link #corrections}). What remains is exactly
     * Q6_Kx4Bytes's folded short (sum of (q - 32) * x over the same four positions), so from there every step is
     * its own: the same ints, the same floats, the same bits.
     */
    /**
     * The offsets of a matvec's activations, into a buffer of the calling thread: for sub-block {@code g} (16
     * positions), {@code c[16 g + 4 i + r] = 32 * (x[16 g + i] + x[16 g + i + 4] + x[16 g + i + 8] +
     * x[16 g + i + 12])} for i, r in 0-3 (at most 16256 in magnitude), then 16 zeros (a 32-short load of the last
     * sub-block stays inside). Valid until the thread's next call for that length.
     */
    static short[] corrections(Q4_Kx4.Activations x) {
        short[] xq = x.q(); // activation k at 4 k + r
        int n = xq.length / 4;
        short[] c = buffer(n + 16);
        for (int g = 0; g < n / 16; g++) {
            for (int i = 0; i < 4; i++) {
                int k = 16 * g + i;
                short v = (short) (32 * (xq[4 * k] + xq[4 * (k + 4)] + xq[4 * (k + 8)] + xq[4 * (k + 12)]));
                for (int r = 0; r < 4; r++) {
                    c[16 * g + 4 * i + r] = v;
                }
            }
        }
        return c;
    }

    private static short[] buffer(int length) {
        short[][] buffers = BUFFERS.get();
        for (short[] b : buffers) {
            if (b != null && b.length == length) {
                return b;
            }
        }
        System.arraycopy(buffers, 0, buffers, 1, buffers.length - 1);
        buffers[0] = new short[length];
        return buffers[0];
    }

    /**
     * Rows {@code r .. r + 3} (the group {@code w}, its own slice) times the activations {@code x}, whose
     * {@link #corrections} are {@code c}; to {@code out[r..r+3]}.
     */
    static void dot4(MemorySegment w, Q4_Kx4.Activations x, short[] c, int cols, float[] out, int r) {
        short[] xq = x.q();
        float[] xd = x.d();
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 256; b++) {
            long p = 840L * b;
            // d of the four rows, each four times over, from f16 exactly (as Q8_0x4.halves)
            IntVector hd = (IntVector) LongVector.broadcast(L512, w.get(LONG, p)).reinterpretAsShorts()
                    .convertShape(VectorOperators.S2I, I512, 0);
            IntVector mag = hd.and(0x7fff);
            IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                    .reinterpretAsInts();
            FloatVector d = bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                    .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().mul(xd[b]);
            for (int n = 0; n < 2; n++) {
                IntVector a = IntVector.zero(I512);
                for (int h = 0; h < 2; h++) {
                    long q = p + QUANTS + 384L * n + 64L * h;
                    long sc = p + 8 + 32L * n + 4L * h;
                    int xs = 1024 * b + 512 * n + 64 * h;
                    int cs = 256 * b + 128 * n + 16 * h; // sub-block 16 b + 8 n + h (+ 2 per quarter)
                    ByteVector av = ByteVector.fromMemorySegment(B512, w, q, LE).rearrange(PAIRS);
                    ByteVector cv = ByteVector.fromMemorySegment(B512, w, q + 128, LE).rearrange(PAIRS);
                    ByteVector hv = ByteVector.fromMemorySegment(B512, w, q + 256, LE).rearrange(PAIRS);
                    ShortVector hs = hv.reinterpretAsShorts();
                    ShortVector k;
                    ShortVector t;
                    // quarter 0: a & 15 | (h & 3) << 4
                    k = av.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, FOUR).reinterpretAsBytes()
                            .and((byte) 0x30)).reinterpretAsShorts();
                    t = k.and((short) 0xff).mul(ShortVector.fromArray(S512, xq, xs))
                            .add(k.lanewise(VectorOperators.LSHR, EIGHT).mul(ShortVector.fromArray(S512, xq, xs + 32)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).sub(ShortVector.fromArray(S512, c, cs))
                            .convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 1: c & 15 | (h & 12) << 2
                    k = cv.and((byte) 15).or(hs.lanewise(VectorOperators.LSHL, TWO).reinterpretAsBytes()
                            .and((byte) 0x30)).reinterpretAsShorts();
                    t = k.and((short) 0xff).mul(ShortVector.fromArray(S512, xq, xs + 128))
                            .add(k.lanewise(VectorOperators.LSHR, EIGHT).mul(ShortVector.fromArray(S512, xq, xs + 160)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).sub(ShortVector.fromArray(S512, c, cs + 32))
                            .convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 8)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 2: a >> 4 | h & 48
                    k = av.reinterpretAsShorts().lanewise(VectorOperators.LSHR, FOUR).reinterpretAsBytes()
                            .and((byte) 15).or(hv.and((byte) 0x30)).reinterpretAsShorts();
                    t = k.and((short) 0xff).mul(ShortVector.fromArray(S512, xq, xs + 256))
                            .add(k.lanewise(VectorOperators.LSHR, EIGHT).mul(ShortVector.fromArray(S512, xq, xs + 288)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).sub(ShortVector.fromArray(S512, c, cs + 64))
                            .convertShape(VectorOperators.S2I, I512, 0))
                            .mul((IntVector) IntVector.broadcast(I128, w.get(INT, sc + 16)).reinterpretAsBytes()
                                    .convertShape(VectorOperators.B2I, I512, 0)).add(a);
                    // quarter 3: c >> 4 | (h >> 2) & 48
                    k = cv.reinterpretAsShorts().lanewise(VectorOperators.LSHR, FOUR).reinterpretAsBytes()
                            .and((byte) 15).or(hs.lanewise(VectorOperators.LSHR, TWO).reinterpretAsBytes()
                                    .and((byte) 0x30)).reinterpretAsShorts();
                    t = k.and((short) 0xff).mul(ShortVector.fromArray(S512, xq, xs + 384))
                            .add(k.lanewise(VectorOperators.LSHR, EIGHT).mul(ShortVector.fromArray(S512, xq, xs + 416)));
                    a = ((IntVector) t.add(t.rearrange(SWAP)).sub(ShortVector.fromArray(S512, c, cs + 96))
                            .convertShape(VectorOperators.S2I, I512, 0))
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
