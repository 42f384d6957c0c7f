package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A second multi-input kernel for a group of four interleaved Q4_K rows ({@link Q4_Kx4}), for
 * {@link WeightMatrix#matvecEach} at several inputs: each super-block of the group is unpacked once into floats
 * (quant times sub-block scale, row after row), and each input is then multiplied with it by float FMAs against
 * its int8 activations held as floats. Each input's four results are the bits {@code Q4_Kx4.dot4} gives that
 * input alone, as with {@link KQuantGroupsEach}, whose 16-bit multiply core per input this replaces.
 *
 * <p>This class is stateless and thread-safe.
 */
final class KQuantGroupsFloats {

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final int Q4_QUANTS = 80;
    private static final VectorShuffle<Byte> PICK0 = Q4_Kx4.rowBytes(0);
    private static final VectorShuffle<Byte> PICK1 = Q4_Kx4.rowBytes(1);
    private static final VectorShuffle<Byte> PICK2 = Q4_Kx4.rowBytes(2);
    private static final VectorShuffle<Byte> PICK3 = Q4_Kx4.rowBytes(3);
    /** Lanes 4 k .. 4 k + 3 for k = 1, 2, 3: where row k's four residue classes are gathered before the transpose. */
    private static final VectorMask<Float> ROW1 = rowMask(1);
    private static final VectorMask<Float> ROW2 = rowMask(2);
    private static final VectorMask<Float> ROW3 = rowMask(3);
    /** Floats of the scratch {@link #scratch} returns: one super-block of four rows, then 32 scales. */
    private static final int SCRATCH = 1024 + 32;
    /** Lane 4 i + k from lane 4 k + i: a 4 x 4 transpose. */
    private static final VectorShuffle<Float> TRANSPOSE = VectorShuffle.fromOp(F, l -> 4 * (l % 4) + l / 4);

    private KQuantGroupsFloats() {
    }

    /** Scratch for one thread: a group's unpacked super-block and its scales. */
    static float[] scratch() {
        return new float[SCRATCH];
    }

    /** Per-input sums (16 per input) and float accumulators (32 per input), for {@code n} inputs. */
    static float[] sums(int n) {
        return new float[48 * n];
    }

    /** Input {@code x}'s int8 values as floats, in order ({@code cols} of them). */
    static float[] floats(Q8K x) {
        short[] q = x.q();
        float[] f = new float[q.length];
        for (int k = 0; k < q.length; k++) {
            f[k] = q[k];
        }
        return f;
    }

    /*
     * Why the bits are dot4's. dot4 forms, per super-block, a 16-lane int vector a whose lane 4 i + r is row r's
     * sum over the positions p = i (mod 4) of sc_s * q_p * x_p (s the sub-block of p), converts it and adds
     * I2F(a) * (d_r * d_x) into its accumulator by one FMA. Here each product (q_p * sc_s) * x_p is a float FMA
     * of two integers: q_p * sc_s <= 15 * 63 is exact, the product <= 945 * 127 = 120,015, and each lane of
     * the sum holds at most the 64 products of one residue class of one row, so every partial sum is an integer
     * below 64 * 120,015 < 2^24 and exact, whatever the order. The sums of each residue class are then gathered
     * (lanes + 8, + 4 with wrap-around, exact again) and moved to lane 4 i + r; the vector equals I2F(a) bit for
     * bit (an exact zero is +0 both ways: the accumulators start at +0, and x + (-x) is +0). From there the float
     * steps are dot4's: the same d, dmin and minimums, the same FMAs in the same order, the same final sum.
     *
     * What each input costs: per super-block and group, 16 loads of its activations and 64 FMAs against the
     * unpacked floats (from L1), then 9 rearranges, 12 adds and 3 blends; the 16-bit path needs 32 short
     * multiplies, 24 short adds, 16 widenings and 8 int multiplies for the same 1024 products.
     */

    /**
     * Group {@code w} (rows {@code r .. r + 3}) times every input: {@code out[i * rows + r + k]} receives row
     * {@code r + k} times input i. {@code x[i]} gives input i's minimum sums and scales, {@code xf[i]} its int8
     * values as floats ({@link #floats}); {@code scratch} is {@link #scratch}, {@code sums} at least
     * {@link #sums} of the input count.
     */
    static void q4K(MemorySegment w, Q4_Kx4.Activations[] x, float[][] xf, int cols, float[] out, int r, int rows,
            float[] scratch, float[] sums) {
        int n = x.length;
        java.util.Arrays.fill(sums, 0, 48 * n, 0f);
        for (int b = 0; b < cols / 256; b++) {
            long p = (long) Q4_Kx4.BLOCK * b;
            // the 32 scales (byte 4 s + k: row k, sub-block s) as floats, after the unpacked quants
            ByteVector sc = ByteVector.fromMemorySegment(B256, w, p + 16, LE);
            ((FloatVector) sc.convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0).convert(VectorOperators.I2F, 0))
                    .intoArray(scratch, 1024);
            ((FloatVector) sc.convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 1).convert(VectorOperators.I2F, 0))
                    .intoArray(scratch, 1040);
            for (int j = 0; j < 4; j++) { // sub-blocks 2 j (low nibbles) and 2 j + 1 (high)
                for (int h = 0; h < 2; h++) { // positions 16 h .. 16 h + 15 of both
                    long q = p + Q4_QUANTS + 128L * j + 64L * h;
                    int o = 64 * j + 16 * h;
                    int s = 1024 + 8 * j;
                    // row k's sixteen bytes: low nibbles (sub-block 2 j) to [256 k + o ..), high (2 j + 1) 32 on
                    ByteVector v = ByteVector.fromMemorySegment(B512, w, q, LE);
                    IntVector e0 = (IntVector) v.rearrange(PICK0).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    ((FloatVector) e0.and(15).convert(VectorOperators.I2F, 0)).mul(scratch[s + 0])
                            .intoArray(scratch, o);
                    ((FloatVector) e0.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                            .mul(scratch[s + 4]).intoArray(scratch, o + 32);
                    IntVector e1 = (IntVector) v.rearrange(PICK1).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    ((FloatVector) e1.and(15).convert(VectorOperators.I2F, 0)).mul(scratch[s + 1])
                            .intoArray(scratch, 256 + o);
                    ((FloatVector) e1.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                            .mul(scratch[s + 5]).intoArray(scratch, 256 + o + 32);
                    IntVector e2 = (IntVector) v.rearrange(PICK2).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    ((FloatVector) e2.and(15).convert(VectorOperators.I2F, 0)).mul(scratch[s + 2])
                            .intoArray(scratch, 512 + o);
                    ((FloatVector) e2.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                            .mul(scratch[s + 6]).intoArray(scratch, 512 + o + 32);
                    IntVector e3 = (IntVector) v.rearrange(PICK3).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
                    ((FloatVector) e3.and(15).convert(VectorOperators.I2F, 0)).mul(scratch[s + 3])
                            .intoArray(scratch, 768 + o);
                    ((FloatVector) e3.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                            .mul(scratch[s + 7]).intoArray(scratch, 768 + o + 32);
                }
            }
            int xb = 256 * b;
            for (int i = 0; i < n; i++) {
                float[] xi = xf[i];
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                FloatVector b0 = FloatVector.zero(F);
                FloatVector b1 = FloatVector.zero(F);
                FloatVector c0 = FloatVector.zero(F);
                FloatVector c1 = FloatVector.zero(F);
                FloatVector d0 = FloatVector.zero(F);
                FloatVector d1 = FloatVector.zero(F);
                for (int c = 0; c < 256; c += 32) {
                    FloatVector x0 = FloatVector.fromArray(F, xi, xb + c);
                    FloatVector x1 = FloatVector.fromArray(F, xi, xb + c + 16);
                    a0 = FloatVector.fromArray(F, scratch, c).fma(x0, a0);
                    a1 = FloatVector.fromArray(F, scratch, c + 16).fma(x1, a1);
                    b0 = FloatVector.fromArray(F, scratch, 256 + c).fma(x0, b0);
                    b1 = FloatVector.fromArray(F, scratch, 256 + c + 16).fma(x1, b1);
                    c0 = FloatVector.fromArray(F, scratch, 512 + c).fma(x0, c0);
                    c1 = FloatVector.fromArray(F, scratch, 512 + c + 16).fma(x1, c1);
                    d0 = FloatVector.fromArray(F, scratch, 768 + c).fma(x0, d0);
                    d1 = FloatVector.fromArray(F, scratch, 768 + c + 16).fma(x1, d1);
                }
                // each row's residue classes mod 4 in every lane l (class l mod 4); row k's taken from lanes
                // 4 k .. 4 k + 3 (lane 4 k + i: class i), then transposed to lane 4 i + k, dot4's order
                a0 = a0.add(a1);
                a0 = a0.add(a0.rearrange(KQuantInt8.PLUS_8));
                a0 = a0.add(a0.rearrange(KQuantInt8.PLUS_4));
                b0 = b0.add(b1);
                b0 = b0.add(b0.rearrange(KQuantInt8.PLUS_8));
                b0 = b0.add(b0.rearrange(KQuantInt8.PLUS_4));
                c0 = c0.add(c1);
                c0 = c0.add(c0.rearrange(KQuantInt8.PLUS_8));
                c0 = c0.add(c0.rearrange(KQuantInt8.PLUS_4));
                d0 = d0.add(d1);
                d0 = d0.add(d0.rearrange(KQuantInt8.PLUS_8));
                d0 = d0.add(d0.rearrange(KQuantInt8.PLUS_4));
                a0.blend(b0, ROW1).blend(c0, ROW2).blend(d0, ROW3).rearrange(TRANSPOSE).intoArray(sums, 48 * i);
            }
            minsAndScales(w, p, x, b, n, sums);
        }
        for (int i = 0; i < n; i++) {
            FloatVector s = FloatVector.fromArray(F, sums, 48 * i + 16)
                    .sub(FloatVector.fromArray(F, sums, 48 * i + 32));
            s = s.add(s.rearrange(KQuantInt8.PLUS_8));
            s = s.add(s.rearrange(KQuantInt8.PLUS_4));
            int o = i * rows + r;
            out[o] = s.lane(0);
            out[o + 1] = s.lane(1);
            out[o + 2] = s.lane(2);
            out[o + 3] = s.lane(3);
        }
    }

    /**
     * The end of a super-block at {@code p}, as {@code KQuantGroupsEach.kMinsAndScales} with the sums already
     * floats: per input, its sums ({@code sums[48 i ..]}) times d_r * d_x into {@code sums[48 i + 16 ..]}, its
     * minimum sums times dmin_r * d_x into {@code sums[48 i + 32 ..]}.
     */
    private static void minsAndScales(MemorySegment w, long p, Q4_Kx4.Activations[] x, int b, int n,
            float[] sums) {
        IntVector m0 = (IntVector) ByteVector.fromMemorySegment(B128, w, p + 48, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
        IntVector m1 = (IntVector) ByteVector.fromMemorySegment(B128, w, p + 64, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
        FloatVector d = halves(w.get(LONG, p));
        FloatVector dmin = halves(w.get(LONG, p + 8));
        for (int i = 0; i < n; i++) {
            float xd = x[i].d()[b];
            int[] xs = x[i].sums();
            FloatVector.fromArray(F, sums, 48 * i).fma(d.mul(xd), FloatVector.fromArray(F, sums, 48 * i + 16))
                    .intoArray(sums, 48 * i + 16);
            IntVector m = m0.mul(IntVector.fromArray(I512, xs, 32 * b))
                    .add(m1.mul(IntVector.fromArray(I512, xs, 32 * b + 16)));
            ((FloatVector) m.convert(VectorOperators.I2F, 0))
                    .fma(dmin.mul(xd), FloatVector.fromArray(F, sums, 48 * i + 32)).intoArray(sums, 48 * i + 32);
        }
    }

    /** Four f16 values (a long) as floats, each four times over (lane 4 i + k is value k), exactly. */
    private static FloatVector halves(long four) {
        IntVector hd = (IntVector) LongVector.broadcast(L512, four).reinterpretAsShorts()
                .convertShape(VectorOperators.S2I, I512, 0);
        IntVector mag = hd.and(0x7fff);
        IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                .reinterpretAsInts();
        return bits.blend(bits.or(0x7f800000), mag.compare(VectorOperators.GE, 0x7c00))
                .or(hd.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static VectorMask<Float> rowMask(int k) {
        boolean[] bits = new boolean[16];
        for (int l = 0; l < 16; l++) {
            bits[l] = l / 4 == k;
        }
        return VectorMask.fromArray(F, bits, 0);
    }
}
