package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Libc}: the C calls return what C returns, failures included. */
@SuppressWarnings("restricted") // reinterpret of a mapping made by the test
class LibcTest {
    @TempDir
    Path dir;

    private static Libc libc() {
        assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
        return Libc.linux().orElseThrow();
    }

    @Test
    void anAnonymousMappingIsZeroedWritableAndUnmapsOnce() throws Throwable {
        Libc c = libc();
        long bytes = 1 << 20;
        long address = c.mmap(0, bytes, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        assertThat(address).isNotEqualTo(Libc.MAP_FAILED);
        MemorySegment m = MemorySegment.ofAddress(address).reinterpret(bytes);
        assertThat(m.get(ValueLayout.JAVA_LONG, bytes - 8)).isZero();
        m.set(ValueLayout.JAVA_LONG, bytes - 8, 42L);
        assertThat(m.get(ValueLayout.JAVA_LONG, bytes - 8)).isEqualTo(42L);
        assertThat(c.munmap(address, bytes)).isZero();
    }

    @Test
    void aFileIsOpenedSizedAndClosedAndAMissingOneIsMinusOne() throws Throwable {
        Libc c = libc();
        Path file = Files.write(dir.resolve("f"), new byte[12_345]);
        int fd = c.open(file.toString(), Libc.O_RDONLY);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(c.lseek(fd, 0, Libc.SEEK_END)).isEqualTo(12_345L);
        assertThat(c.close(fd)).isZero();
        assertThat(c.close(fd)).isEqualTo(-1);
        assertThat(c.open(dir.resolve("missing").toString(), Libc.O_RDONLY)).isEqualTo(-1);
    }

    @Test
    void aMappingOfAMissingDescriptorFails() throws Throwable {
        Libc c = libc();
        assertThat(c.mmap(0, 4096, Libc.PROT_READ, Libc.MAP_PRIVATE, -1, 0)).isEqualTo(Libc.MAP_FAILED);
    }
}
