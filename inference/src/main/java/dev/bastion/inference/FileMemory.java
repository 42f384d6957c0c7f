package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A whole file mapped read-only at an address aligned to 2 MB, for {@link WeightCache}: the kernel can then map the
 * page cache's large folios of the file with 2 MB page-table entries, where {@code FileChannel.map} (any page-aligned
 * address) gets 4 KB entries. Measured on this machine's Linux 6.18 with a 1.25 GB cache file just written: 987 MB of
 * it mapped in 2 MB pages ({@code FilePmdMapped}) when aligned, none otherwise; the kernels then read it as fast as
 * the anonymous memory of the in-memory repack (docs/benchmarks.md, cold start, round nineteen). The segment is a
 * plain native one, of the class {@link AnonymousMemory}'s segments have, so the kernels' compiled code, profiled on
 * the warm-up's anonymous memory, sees one class.
 *
 * <p>Linux only ({@code open}, {@code mmap}, {@code munmap}, {@code close} through {@link Libc}); elsewhere, or if
 * native access is refused or a call fails, empty, and the caller maps the file its own way. Stateless and
 * thread-safe.
 */
final class FileMemory {

    private static final long ALIGN = 2L << 20;

    private FileMemory() {
    }

    /**
     * The whole of {@code file}, as large as it is when opened, mapped read-only (private) at a 2 MB-aligned
     * address, unmapped when the segment is unreachable; or empty if that could not be done (or the file is empty).
     * A file renamed over {@code file} later does not change the mapping.
     */
    static Optional<MemorySegment> mapReadOnly(Path file) {
        if (Libc.linux().isEmpty()) {
            return Optional.empty();
        }
        Libc c = Libc.linux().get();
        try {
            int fd = c.open(file.toString(), Libc.O_RDONLY);
            if (fd < 0) {
                return Optional.empty();
            }
            try {
                long size = c.lseek(fd, 0L, Libc.SEEK_END); // the size of the file this descriptor opened
                if (size <= 0) {
                    return Optional.empty();
                }
                // reserve size + 2 MB, map the file at the first aligned address inside, give back the rest
                long reserved = c.mmap(0, size + ALIGN, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0L);
                if (reserved == Libc.MAP_FAILED) {
                    return Optional.empty();
                }
                long start = (reserved + ALIGN - 1) / ALIGN * ALIGN;
                long mapped = c.mmap(start, size, Libc.PROT_READ, Libc.MAP_PRIVATE | Libc.MAP_FIXED, fd, 0L);
                if (mapped != start) {
                    c.munmap(reserved, size + ALIGN);
                    return Optional.empty();
                }
                long head = start - reserved;
                long tail = reserved + size + ALIGN - (start + size);
                if (head > 0) {
                    c.munmap(reserved, head);
                }
                if (tail > 0) {
                    c.munmap(start + size, tail);
                }
                return Optional.of(c.unmappedWhenUnreachable(start, size).asReadOnly());
            } finally {
                c.close(fd);
            }
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
