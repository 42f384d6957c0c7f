package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A probe, run by hand: prints, for each single-input K-quant decode kernel, the bytes it allocates per call once
 * compiled ({@code TYPE BYTES}). A kernel that C2 compiled with Vector API values boxed allocates on every block
 * and decodes at a third of its speed (docs/inference-kernels.md, round eighteen). First it runs conversions and
 * lane-wise operations on vectors of other shapes, as a process that has run other kernels would have; then it
 * calls each kernel until its allocation per call stops falling (at most 40 rounds of 4,000 calls).
 *
 * <p>Whether C2 boxes depends on what the process ran before and when, so one run proves nothing: run it several
 * times, in fresh JVMs (the test suite's JVM passes heap segments to the same kernels, which production never does):
 * {@code java --add-modules jdk.incubator.vector -cp inference/target/test-classes:inference/target/classes
 * dev.bastion.inference.DecodeAllocationProbe}. Round eighteen: after the change to {@code convertShape}, 1 of 3
 * runs still showed Q6_K at 7,680 bytes a call; before it, Q5_K with an accumulator-typed {@code and} showed 2,560.
 */
final class DecodeAllocationProbe {

    private static final int COLS = 2048;
    private static final int CALLS = 4_000;

    private DecodeAllocationProbe() {
    }

    public static void main(String[] args) {
        pollute();
        Random random = new Random(18);
        float[] x = new float[COLS];
        for (int i = 0; i < COLS; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Q8K xq = Q8K.of(x, COLS);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            MemorySegment group = oneGroup(random, type);
            float[] out = new float[4];
            long perCall = Long.MAX_VALUE;
            for (int round = 0; round < 40 && perCall > 0; round++) {
                long before = allocated();
                for (int i = 0; i < CALLS; i++) {
                    switch (type) {
                        case Q4_K -> Q4_Kx4Folded.dot4(group, xq, COLS, out, 0);
                        case Q5_K -> Q5_Kx4Folded.dot4(group, xq, COLS, out, 0);
                        default -> Q6_Kx4Bytes.dot4(group, xq, COLS, out, 0);
                    }
                }
                perCall = (allocated() - before) / CALLS;
            }
            System.out.println(type + " " + perCall);
        }
    }

    /** Runs conversions and lane-wise operations on vectors of every shape, so the JDK methods' profiles see them all. */
    private static void pollute() {
        float sink = 0;
        VectorSpecies<?>[] shapes = {IntVector.SPECIES_64, IntVector.SPECIES_128, IntVector.SPECIES_256};
        for (int i = 0; i < 20_000; i++) {
            for (VectorSpecies<?> s : shapes) {
                IntVector v = IntVector.broadcast(s.withLanes(int.class), i);
                sink += ((FloatVector) v.convert(VectorOperators.I2F, 0)).lane(0);
                sink += v.add(v).lane(0);
            }
            sink += ((IntVector) FloatVector.broadcast(FloatVector.SPECIES_512, i).convert(VectorOperators.F2I, 0)).lane(0);
            sink += ((IntVector) ShortVector.broadcast(ShortVector.SPECIES_256, (short) i)
                    .convert(VectorOperators.S2I, 0)).lane(0);
            sink += ByteVector.broadcast(ByteVector.SPECIES_128, (byte) i).and((byte) 3).or((byte) 1).sub((byte) 2).lane(0);
        }
        if (Float.isNaN(sink)) {
            throw new AssertionError("the polluting loop gave NaN");
        }
    }

    private static MemorySegment oneGroup(Random random, GgmlType type) {
        int block = switch (type) {
            case Q4_K -> 144;
            case Q5_K -> 176;
            default -> 210;
        };
        byte[] bytes = new byte[4 * block * (COLS / 256)];
        random.nextBytes(bytes);
        MemorySegment w = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
        for (long p = 0; p < bytes.length; p += block) { // modest f16 scales, so no sum is infinite
            w.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, type == GgmlType.Q6_K ? p + 208 : p, (short) 0x2000);
        }
        MemorySegment packed = switch (type) {
            case Q4_K -> Arena.ofAuto().allocate(Q4_Kx4.packedBytes(4, COLS));
            case Q5_K -> Arena.ofAuto().allocate(Q5_Kx4.packedBytes(4, COLS));
            default -> Arena.ofAuto().allocate(w.byteSize());
        };
        switch (type) {
            case Q4_K -> Q4_Kx4.repack(w, packed, 4, COLS);
            case Q5_K -> Q5_Kx4.repack(w, packed, 4, COLS);
            default -> Q6_Kx4.repack(w, packed, 4, COLS);
        }
        return switch (type) {
            case Q4_K -> Q4_Kx4.groups(packed, 4, COLS)[0];
            case Q5_K -> Q5_Kx4.groups(packed, 4, COLS)[0];
            default -> Q6_Kx4.groups(packed, 4, COLS)[0];
        };
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
