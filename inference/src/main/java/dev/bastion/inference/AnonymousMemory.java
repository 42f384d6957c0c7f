package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Large zeroed native memory for weights rebuilt at load time ({@link Q8_0x4}), outside the JVM's direct-memory
 * limit: {@code Arena.allocate} counts against {@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap
 * size, so a 1.3 GB model could not be repacked in a JVM started with {@code -Xmx1g} (measured: OutOfMemoryError
 * "Cannot reserve ... bytes of direct buffer memory"). On Linux the memory is an anonymous private mapping
 * ({@code mmap} through {@link Libc}), unmapped when the segment becomes unreachable; elsewhere, or if native access is refused, an
 * automatic arena's allocation, if the limit allows it.
 *
 * <p>Stateless and thread-safe.
 */
final class AnonymousMemory {

    private AnonymousMemory() {
    }

    /**
     * {@code bytes} of zeroed memory readable from any thread, freed when the segment is unreachable, or empty if
     * none could be had (the caller then keeps what it had).
     */
    static Optional<MemorySegment> allocate(long bytes) {
        Optional<Libc> libc = Libc.linux();
        if (libc.isPresent()) {
            try {
                long address = libc.get().mmap(0, bytes, Libc.PROT_READ | Libc.PROT_WRITE,
                        Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0L);
                if (address != Libc.MAP_FAILED) {
                    return Optional.of(libc.get().unmappedWhenUnreachable(address, bytes));
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
        return Libc.linux().isPresent();
    }
}
