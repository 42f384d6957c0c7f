package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** The repack's memory is advised MADV_HUGEPAGE (the VMA's "hg" flag in smaps); memory under 2 MB is not. */
    @Test
    void aMappingOfAHugePageOrMore_isAdvisedHugePages_aSmallerOneIsNot() throws Exception {
        assumeThat(AnonymousMemory.mapsAnonymously()).isTrue();
        assumeThat(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).exists();
        MemorySegment large = AnonymousMemory.allocate(AnonymousMemory.HUGE_PAGE * 3).orElseThrow();
        MemorySegment small = AnonymousMemory.allocate(AnonymousMemory.HUGE_PAGE / 2).orElseThrow();
        assertThat(vmFlags(large)).contains("hg");
        assertThat(vmFlags(small)).doesNotContain("hg");
    }

    /** The VmFlags of the mapping that holds {@code m}, from /proc/self/smaps. */
    private static List<String> vmFlags(MemorySegment m) throws Exception {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            char c = line.isEmpty() ? ' ' : line.charAt(0);
            if (Character.isDigit(c) || (c >= 'a' && c <= 'f')) { // a mapping's header: start-end perms ...
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long from = Long.parseUnsignedLong(range[0], 16);
                long to = Long.parseUnsignedLong(range[1], 16);
                inside = m.address() >= from && m.address() < to;
            } else if (inside && line.startsWith("VmFlags:")) {
                return List.of(line.substring("VmFlags:".length()).trim().split(" "));
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(m.address()));
    }
}
