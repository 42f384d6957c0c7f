package dev.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchTimingTest {
    @Test
    void isOffUnlessThePropertyIsSet() {
        assertFalse(BenchTiming.ON, "the test JVM does not set " + BenchTiming.PROPERTY);
    }

    @Test
    void quantilesAreNearestRankInMicroseconds() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1000L; // 1 .. 100 µs
        }
        assertEquals(50.0, BenchTiming.at(sorted, 0.50));
        assertEquals(99.0, BenchTiming.at(sorted, 0.99));
        assertEquals(100.0, BenchTiming.at(sorted, 1.0));
        assertEquals(7.0, BenchTiming.at(new long[] {7000}, 0.5));
    }

    @Test
    void aReportGivesEachSeriesOnceThenStartsItAfresh() {
        BenchTiming.Series s = BenchTiming.series("test.series");
        for (long v : new long[] {3000, 1000, 2000}) {
            s.add(v);
        }
        String first = BenchTiming.report();
        assertTrue(first.contains(" test.series n=3 p50=2.0 p90=3.0 p99=3.0 max=3.0 mean=2.0\n"), first);
        String second = BenchTiming.report();
        assertTrue(second.contains(" test.series n=0\n"), second);
    }
}
