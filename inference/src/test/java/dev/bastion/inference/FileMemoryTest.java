package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileMemory}: a whole file, mapped read-only at a 2 MB boundary, its bytes those of the file. */
class FileMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsMappedWholeReadOnlyAtATwoMegabyteBoundary() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(bytes);
        Path file = Files.write(dir.resolve("f"), bytes);
        MemorySegment m = FileMemory.mapReadOnly(file).orElseThrow();
        assertThat(m.byteSize()).isEqualTo(bytes.length);
        assertThat(m.address() % (2L << 20)).isZero();
        assertThat(m.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
        assertThat(m.isReadOnly()).isTrue();
        assertThatThrownBy(() -> m.set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyOrMissingFileIsNotMapped() throws Exception {
        assertThat(FileMemory.mapReadOnly(Files.createFile(dir.resolve("empty")))).isEmpty();
        assertThat(FileMemory.mapReadOnly(dir.resolve("missing"))).isEmpty();
    }
}
