package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class AnonymousMemoryTest {

    @Test
    void onLinux_theMemoryIsAnAnonymousMapping_zeroedAndWritableAtBothEnds() {
        assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
        assertThat(AnonymousMemory.mapsAnonymously()).isTrue();
        long bytes = 3L << 20;
        MemorySegment m = AnonymousMemory.allocate(bytes).orElseThrow();
        assertThat(m.byteSize()).isEqualTo(bytes);
        assertThat(m.get(ValueLayout.JAVA_LONG, 0)).isZero();
        assertThat(m.get(ValueLayout.JAVA_LONG, bytes - 8)).isZero();
        m.set(ValueLayout.JAVA_LONG, bytes - 8, 42L);
        assertThat(m.get(ValueLayout.JAVA_LONG, bytes - 8)).isEqualTo(42L);
    }

    /** More than the direct-memory limit of the test JVM (its maximum heap) in one piece: only mmap gives that. */
    @Test
    void aMappingLargerThanTheDirectMemoryLimit_isGranted() {
        assumeThat(AnonymousMemory.mapsAnonymously()).isTrue();
        long bytes = Runtime.getRuntime().maxMemory() + (64L << 20);
        MemorySegment m = AnonymousMemory.allocate(bytes).orElseThrow();
        assertThat(m.byteSize()).isEqualTo(bytes);
        m.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7); // one page touched, not all
        assertThat(m.get(ValueLayout.JAVA_BYTE, bytes - 1)).isEqualTo((byte) 7);
    }
}
