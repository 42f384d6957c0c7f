package dev.bastion.privacy.fl.he;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs a vector of values in [0, 2^b) (the {@link dev.bastion.privacy.fl.Quantizer}'s Z_2^b coordinates) into
 * Paillier plaintexts, {@code slots} values of {@code slotBits} = b + ceil(log2 N) bits each, value j of a plaintext
 * at bit offset j * slotBits. Adding N packed plaintexts adds slot by slot without a carry crossing a slot
 * boundary, because N (2^b - 1) < 2^slotBits; and slots * slotBits stays below the bit length of n, so the sum never
 * reaches n. {@link #unpack} reduces each slot mod 2^b, giving the Z_2^b sum that the Quantizer decodes, exactly
 * the value secure aggregation outputs. Immutable and thread-safe.
 *
 * @param valueBits b
 * @param summands N, the most plaintexts that will be added
 * @param slots values per plaintext
 */
public record SlotPacking(int valueBits, int summands, int slotBits, int slots) {
    public SlotPacking {
        if (valueBits < 1 || valueBits > 62 || summands < 1 || slotBits != valueBits + ceilLog2(summands)
                || slots < 1) {
            throw new IllegalArgumentException("need b in 1..62, N >= 1, slot bits b + ceil(log2 N) and >= 1 slot");
        }
    }

    /** As many slots as fit in a plaintext of {@code key}. */
    public static SlotPacking forKey(PublicKey key, int valueBits, int summands) {
        int slotBits = valueBits + ceilLog2(summands);
        int slots = key.plaintextBits() / slotBits;
        if (slots < 1) {
            throw new IllegalArgumentException("a " + slotBits + "-bit slot does not fit under n");
        }
        return new SlotPacking(valueBits, summands, slotBits, slots);
    }

    static int ceilLog2(long v) {
        return v <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(v - 1);
    }

    /** Plaintexts needed for {@code length} values. */
    public int plaintexts(int length) {
        return (length + slots - 1) / slots;
    }

    public List<BigInteger> pack(long[] values) {
        List<BigInteger> out = new ArrayList<>();
        for (int from = 0; from < values.length; from += slots) {
            BigInteger m = BigInteger.ZERO;
            for (int j = Math.min(values.length, from + slots) - 1; j >= from; j--) {
                if (values[j] < 0 || values[j] >= 1L << valueBits) {
                    throw new IllegalArgumentException("value " + j + " is outside [0, 2^" + valueBits + ")");
                }
                m = m.shiftLeft(slotBits).or(BigInteger.valueOf(values[j]));
            }
            out.add(m);
        }
        return out;
    }

    /** The first {@code length} slots of the plaintexts, each reduced mod 2^b. */
    public long[] unpack(List<BigInteger> plaintexts, int length) {
        if (plaintexts.size() != plaintexts(length)) {
            throw new IllegalArgumentException(plaintexts.size() + " plaintexts for " + length + " values, expected "
                    + plaintexts(length));
        }
        long[] out = new long[length];
        BigInteger slotMask = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE);
        long valueMask = (1L << valueBits) - 1;
        for (int j = 0; j < length; j++) {
            BigInteger m = plaintexts.get(j / slots);
            long slot = m.shiftRight((j % slots) * slotBits).and(slotMask).longValue(); // may exceed 63 bits: masked
            out[j] = slot & valueMask;
        }
        return out;
    }
}
