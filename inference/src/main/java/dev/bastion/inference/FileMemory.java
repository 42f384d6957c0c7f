package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 * <p>Linux only ({@code open}, {@code mmap}, {@code munmap}, {@code close} through the FFM API); elsewhere, or if
 * native access is refused or a call fails, empty, and the caller maps the file its own way. Stateless and
 * thread-safe.
 */
@SuppressWarnings("restricted") // mmap and munmap through the FFM API, on purpose
final class FileMemory {

    private static final long ALIGN = 2L << 20;
    private static final int PROT_NONE = 0;
    private static final int PROT_READ = 1;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int O_RDONLY = 0;
    private static final int SEEK_END = 2;
    private static final Optional<MethodHandle[]> CALLS = lookUp();

    private FileMemory() {
    }

    /**
     * The whole of {@code file}, as large as it is when opened, mapped read-only (private) at a 2 MB-aligned
     * address, unmapped when the segment is unreachable; or empty if that could not be done (or the file is empty).
     * A file renamed over {@code file} later does not change the mapping.
     */
    static Optional<MemorySegment> mapReadOnly(Path file) {
        if (CALLS.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle[] h = CALLS.get();
        try (Arena names = Arena.ofConfined()) {
            int fd = (int) h[0].invokeExact(names.allocateFrom(file.toString()), O_RDONLY);
            if (fd < 0) {
                return Optional.empty();
            }
            try {
                long size = (long) h[4].invokeExact(fd, 0L, SEEK_END); // the size of the file this descriptor opened
                if (size <= 0) {
                    return Optional.empty();
                }
                // reserve size + 2 MB, map the file at the first aligned address inside, give back the rest
                MemorySegment reserved = (MemorySegment) h[1].invokeExact(MemorySegment.NULL, size + ALIGN, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
                if (reserved.address() == -1L) {
                    return Optional.empty();
                }
                long start = (reserved.address() + ALIGN - 1) / ALIGN * ALIGN;
                MemorySegment mapped = (MemorySegment) h[1].invokeExact(MemorySegment.ofAddress(start), size,
                        PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0L);
                long head = start - reserved.address();
                long tail = reserved.address() + size + ALIGN - (start + size);
                if (mapped.address() != start) {
                    int ignored = (int) h[2].invokeExact(reserved, size + ALIGN);
                    return Optional.empty();
                }
                if (head > 0) {
                    int ignored = (int) h[2].invokeExact(reserved, head);
                }
                if (tail > 0) {
                    int ignored = (int) h[2].invokeExact(MemorySegment.ofAddress(start + size), tail);
                }
                MethodHandle munmap = h[2];
                return Optional.of(MemorySegment.ofAddress(start)
                        .reinterpret(size, Arena.ofAuto(), s -> unmap(munmap, start, size)).asReadOnly());
            } finally {
                int ignored = (int) h[3].invokeExact(fd);
            }
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    private static void unmap(MethodHandle munmap, long address, long size) {
        try {
            int ignored = (int) munmap.invokeExact(MemorySegment.ofAddress(address), size);
        } catch (Throwable e) {
            // nothing to do in a cleaner; the mapping stays until exit
        }
    }

    private static Optional<MethodHandle[]> lookUp() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            return Optional.of(new MethodHandle[] {open, mmap, munmap, close, lseek});
        } catch (RuntimeException | LinkageError e) { // no libc symbol, or native access refused
            return Optional.empty();
        }
    }
}
