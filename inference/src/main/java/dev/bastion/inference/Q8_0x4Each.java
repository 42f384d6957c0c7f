package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Q8_0x4#dot4} for one group of four interleaved Q8_0 rows and several inputs at once, for
 * {@link WeightMatrix#matvecEach} (the decode rows of a batch): the group's f16 scales are converted once and each
 * block's 128 bytes loaded and widened to shorts once, two inputs at a time; each input's arithmetic is then
 * {@code dot4}'s own, in its order, so each input gets the bits {@code dot4} gives it alone.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q8_0x4Each {

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(F, 0xff00L);

    private Q8_0x4Each() {
    }

    /**
     * Scratch for the group's scales (rounded up to 16) and four results, for a row of {@code cols}: what
     * {@link #dot} needs per thread.
     */
    static float[] scales(int cols) {
        return new float[4 * (cols / 32) + 16 + Q8_0x4.ROWS];
    }

    /*
     * What is shared: the conversion of the group's 4 * cols / 32 f16 scales (Q8_0x4.halves), the loads of each
     * block's four 32-byte quarters and their widening to shorts. What is not: per input, its two activation loads,
     * the four 16-bit multiplies and two adds, the pair sums in ints, the conversions, and the four FMAs. Inputs go
     * two at a time with their eight accumulators in locals (four inputs' sixteen, with the weights and the
     * temporaries, would not fit in the 32 registers); one input left over goes to dot4 itself.
     */

    /**
     * Group {@code w} (rows {@code r .. r + 3}) times every input i ({@code xs[i]}, {@code xd[i]}: the widened int8
     * activations and their scales, as {@link Q8_0x4#dot4} takes them): {@code out[i * rows + r + k]} receives row
     * {@code r + k} times input i. {@code sc} is {@link #scales} of the row length.
     */
    static void dot(MemorySegment w, short[][] xs, float[][] xd, int n, int cols, float[] out, int r, int rows,
            float[] sc) {
        int i = 0;
        if (n >= 2) {
            Q8_0x4.halves(w, 0, 4 * (cols / 32), sc);
        }
        for (; i + 2 <= n; i += 2) {
            dot2(w, xs[i], xd[i], xs[i + 1], xd[i + 1], cols, sc, out, i * rows + r, (i + 1) * rows + r);
        }
        if (i < n) { // its four results to the end of sc, not a new array per group (dot4 is not inlined here)
            int four = sc.length - Q8_0x4.ROWS;
            Q8_0x4.dot4(w, xs[i], xd[i], cols, sc, four);
            System.arraycopy(sc, four, out, i * rows + r, Q8_0x4.ROWS);
        }
    }

    /** Two inputs through the group; results to {@code out[o .. o + 3]} and {@code out[q .. q + 3]}. */
    private static void dot2(MemorySegment w, short[] xs, float[] xd, short[] ys, float[] yd, int cols, float[] sc,
            float[] out, int o, int q) {
        int nb = cols / 32;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector c2 = FloatVector.zero(F);
        FloatVector c3 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long p = 8L * nb + 128L * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector w2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 64, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector w3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 96, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            FloatVector s0 = FloatVector.broadcast(F, sc[4 * b]);
            FloatVector s1 = FloatVector.broadcast(F, sc[4 * b + 1]);
            FloatVector s2 = FloatVector.broadcast(F, sc[4 * b + 2]);
            FloatVector s3 = FloatVector.broadcast(F, sc[4 * b + 3]);
            // input x: dot4's steps
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = w0.mul(x1).add(w1.mul(x2)).reinterpretAsInts();
            IntVector v23 = w2.mul(x1).add(w3.mul(x2)).reinterpretAsInts();
            FloatVector xb = FloatVector.broadcast(F, xd[b]);
            FloatVector t01 = ((FloatVector) v01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v01.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            FloatVector t23 = ((FloatVector) v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v23.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            a0 = t01.fma(s0, a0);
            a1 = t01.fma(s1, a1);
            a2 = t23.fma(s2, a2);
            a3 = t23.fma(s3, a3);
            // input y: the same
            x1 = ShortVector.fromArray(S512, ys, 64 * b);
            x2 = ShortVector.fromArray(S512, ys, 64 * b + 32);
            v01 = w0.mul(x1).add(w1.mul(x2)).reinterpretAsInts();
            v23 = w2.mul(x1).add(w3.mul(x2)).reinterpretAsInts();
            xb = FloatVector.broadcast(F, yd[b]);
            t01 = ((FloatVector) v01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v01.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            t23 = ((FloatVector) v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v23.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0)).mul(xb);
            c0 = t01.fma(s0, c0);
            c1 = t01.fma(s1, c1);
            c2 = t23.fma(s2, c2);
            c3 = t23.fma(s3, c3);
        }
        // dot4's fixed-order lane sums, written out (no helper with vector arguments: round fourteen)
        FloatVector s01 = a0.blend(a1, HIGH_HALF);
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_4));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_2));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_1));
        FloatVector s23 = a2.blend(a3, HIGH_HALF);
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_4));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_2));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_1));
        out[o] = s01.lane(0);
        out[o + 1] = s01.lane(8);
        out[o + 2] = s23.lane(0);
        out[o + 3] = s23.lane(8);
        s01 = c0.blend(c1, HIGH_HALF);
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_4));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_2));
        s01 = s01.add(s01.rearrange(KQuantInt8.PLUS_1));
        s23 = c2.blend(c3, HIGH_HALF);
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_4));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_2));
        s23 = s23.add(s23.rearrange(KQuantInt8.PLUS_1));
        out[q] = s01.lane(0);
        out[q + 1] = s01.lane(8);
        out[q + 2] = s23.lane(0);
        out[q + 3] = s23.lane(8);
    }
}
