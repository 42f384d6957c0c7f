package dev.bastion.privacy.fl.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotPackingTest {

    @Test
    void slotsAreBPlusCeilLog2NBitsAndAsManyAsFitUnderN() {
        PublicKey key = HeFixture.fiveSites().publicKey();
        SlotPacking p = SlotPacking.forKey(key, 38, 10);
        assertEquals(42, p.slotBits());
        assertEquals((HeFixture.BITS - 1) / 42, p.slots());
        assertTrue((long) p.slots() * p.slotBits() < key.n().bitLength());
        assertEquals(3, p.plaintexts(2 * p.slots() + 1));
        assertEquals(38, SlotPacking.forKey(key, 38, 1).slotBits(), "one summand needs no headroom");
    }

    @Test
    void packThenUnpackGivesTheValuesBack() {
        SlotPacking p = new SlotPacking(20, 7, 23, 9);
        Random random = new Random(5);
        long[] values = new long[40];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextLong(1L << 20);
        }
        assertArrayEquals(values, p.unpack(p.pack(values), values.length));
    }

    @Test
    void theSumOfNClientsAtTheMaximumStaysInItsSlotsAndEqualsTheModularSum() {
        SlotPacking p = new SlotPacking(38, 10, 42, 24);
        long max = (1L << 38) - 1;
        long[] values = new long[50];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 2 == 0 ? max : 0; // a carry out of a full slot would turn the empty one beside it to 1
        }
        List<BigInteger> sum = null;
        for (int client = 0; client < 10; client++) {
            List<BigInteger> packed = p.pack(values);
            if (sum == null) {
                sum = new ArrayList<>(packed);
            } else {
                for (int j = 0; j < sum.size(); j++) {
                    sum.set(j, sum.get(j).add(packed.get(j)));
                }
            }
        }
        long[] expected = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = (10 * values[i]) & max;
        }
        assertArrayEquals(expected, p.unpack(sum, values.length));
        for (BigInteger m : sum) {
            assertTrue(m.bitLength() <= p.slots() * p.slotBits(), "the sum stays below 2^(slots * slot bits)");
        }
    }

    @Test
    void valuesOutsideZ2bAndMisfittingSlotsAreRefused() {
        SlotPacking p = new SlotPacking(8, 4, 10, 3);
        assertThrows(IllegalArgumentException.class, () -> p.pack(new long[] {256}));
        assertThrows(IllegalArgumentException.class, () -> p.pack(new long[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new SlotPacking(8, 4, 9, 3), "headroom below log2 N");
        assertThrows(IllegalArgumentException.class, () -> p.unpack(List.of(BigInteger.ONE), 4));
    }
}
