package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few C library calls the engine makes for memory outside the JVM's limits ({@link AnonymousMemory},
 * {@link FileMemory}): {@code mmap}, {@code munmap}, {@code open}, {@code close} and {@code lseek}, looked up once
 * through the FFM linker. Linux only: elsewhere, or when native access is refused, {@link #linux()} is empty and the
 * callers fall back to the JDK's own memory. Each call returns what the C function returns ({@code -1} or
 * {@code MAP_FAILED} on failure); checking it is the caller's job.
 *
 * <p>Immutable and thread-safe.
 */
@SuppressWarnings("restricted") // native calls through the FFM API, on purpose
final class Libc {

    static final int PROT_NONE = 0;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_PRIVATE = 2;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int O_RDONLY = 0;
    static final int SEEK_END = 2;
    /** What {@code mmap} returns on failure ({@code (void *) -1}). */
    static final long MAP_FAILED = -1L;

    private static final Optional<Libc> LINUX = lookUp();

    private final MethodHandle mmap;
    private final MethodHandle munmap;
    private final MethodHandle open;
    private final MethodHandle close;
    private final MethodHandle lseek;

    private Libc(MethodHandle mmap, MethodHandle munmap, MethodHandle open, MethodHandle close, MethodHandle lseek) {
        this.mmap = mmap;
        this.munmap = munmap;
        this.open = open;
        this.close = close;
        this.lseek = lseek;
    }

    /** The calls, on Linux with native access allowed; otherwise empty. */
    static Optional<Libc> linux() {
        return LINUX;
    }

    long mmap(long address, long length, int prot, int flags, int fd, long offset) throws Throwable {
        MemorySegment at = address == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(address);
        return ((MemorySegment) mmap.invokeExact(at, length, prot, flags, fd, offset)).address();
    }

    int munmap(long address, long length) throws Throwable {
        return (int) munmap.invokeExact(MemorySegment.ofAddress(address), length);
    }

    int open(String path, int flags) throws Throwable {
        try (Arena names = Arena.ofConfined()) {
            return (int) open.invokeExact(names.allocateFrom(path), flags);
        }
    }

    int close(int fd) throws Throwable {
        return (int) close.invokeExact(fd);
    }

    long lseek(int fd, long offset, int whence) throws Throwable {
        return (long) lseek.invokeExact(fd, offset, whence);
    }

    /**
     * {@code length} bytes at {@code address}, a mapping this process owns, as a segment that unmaps them once it is
     * unreachable. The cleaner's segment has the address but no size, so the size is kept here.
     */
    MemorySegment unmappedWhenUnreachable(long address, long length) {
        return MemorySegment.ofAddress(address).reinterpret(length, Arena.ofAuto(), s -> {
            try {
                munmap(address, length);
            } catch (Throwable e) {
                // nothing to do in a cleaner; the mapping stays until exit
            }
        });
    }

    private static Optional<Libc> lookUp() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            var c = linker.defaultLookup();
            return Optional.of(new Libc(
                    linker.downcallHandle(c.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)),
                    linker.downcallHandle(c.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                    linker.downcallHandle(c.find("open").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(c.find("close").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT)),
                    linker.downcallHandle(c.find("lseek").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))));
        } catch (RuntimeException | LinkageError e) { // no libc symbol, or native access refused
            return Optional.empty();
        }
    }
}
