package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Large zeroed native memory for weights rebuilt at load time ({@link Q8_0x4}), outside the JVM's direct-memory
 * limit: {@code Arena.allocate} counts against {@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap
 * size, so a 1.3 GB model could not be repacked in a JVM started with {@code -Xmx1g} (measured: OutOfMemoryError
 * "Cannot reserve ... bytes of direct buffer memory"). On Linux the memory is an anonymous private mapping
 * ({@code mmap}), unmapped when the segment becomes unreachable; elsewhere, or if native access is refused, an
 * automatic arena's allocation, if the limit allows it.
 *
 * <p>Stateless and thread-safe.
 */
@SuppressWarnings("restricted") // mmap and munmap through the FFM API: native access, needed on purpose
final class AnonymousMemory {

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final Optional<MethodHandle[]> MMAP = lookUp();

    private AnonymousMemory() {
    }

    /**
     * {@code bytes} of zeroed memory readable from any thread, freed when the segment is unreachable, or empty if
     * none could be had (the caller then keeps what it had).
     */
    static Optional<MemorySegment> allocate(long bytes) {
        if (MMAP.isPresent()) {
            try {
                MethodHandle[] h = MMAP.get();
                MemorySegment address = (MemorySegment) h[0].invokeExact(MemorySegment.NULL, bytes,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
                if (address.address() != -1L) {
                    MethodHandle munmap = h[1];
                    return Optional.of(address.reinterpret(bytes, Arena.ofAuto(), s -> unmap(munmap, s, bytes)));
                }
            } catch (Throwable e) {
                // fall through to the arena
            }
        }
        try {
            return Optional.of(Arena.ofAuto().allocate(bytes, 64));
        } catch (OutOfMemoryError e) { // the direct-memory limit, not the heap: nothing was allocated
            return Optional.empty();
        }
    }

    /** Whether memory comes from {@code mmap} (Linux, native access allowed) rather than the direct-memory arena. */
    static boolean mapsAnonymously() {
        return MMAP.isPresent();
    }

    /** The cleaner's segment has the mapping's address but no size, so the size is passed along. */
    private static void unmap(MethodHandle munmap, MemorySegment s, long bytes) {
        try {
            int ignored = (int) munmap.invokeExact(s, bytes);
        } catch (Throwable e) {
            // nothing to do in a cleaner; the memory is lost until exit
        }
    }

    private static Optional<MethodHandle[]> lookUp() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            return Optional.of(new MethodHandle[] {mmap, munmap});
        } catch (RuntimeException | LinkageError e) { // no libc symbol, or native access refused
            return Optional.empty();
        }
    }
}
