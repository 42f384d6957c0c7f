package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The load-time copy that {@link Q8_0x4} and {@link Q4_0x4} share: a weight matrix moved into a rebuilt layout group
 * by group, each group rewritten by the caller's {@link Rewrite}, the groups in parallel ({@link Parallel}).
 *
 * <p>The repack runs once per matrix at load, over the whole file (1.3 GB for a 1B Q8_0 model), much of it before the
 * JIT has compiled it. It moves a few groups at a time between the mapping and two arrays (bulk copies, and
 * System.arraycopy of 16-byte halves inside them) instead of eight-byte segment reads and writes: round ten measured
 * 0.72-0.89 s of user CPU for a cold load of that file against 0.89-1.0 s before, 0.34 s once compiled (LoadProbe, load
 * 16-23: a small gain, not separated from the noise). Each part's file pages are released as soon as it is copied, so
 * the file's pages and the copy are not both resident.
 *
 * <p>Stateless apart from two arrays per thread; thread-safe.
 */
final class GroupCopy {

    /** Rewrites the group at {@code in[base..]} (ggml's layout) into {@code out[base..]}, of the same size. */
    @FunctionalInterface
    interface Rewrite {
        void group(byte[] in, byte[] out, int base);
    }

    /** Bytes taken from the source per bulk copy: a few groups, well inside L2. */
    private static final int COPY_BYTES = 64 * 1024;
    /** Per thread, the two arrays of {@link #copy}: made once, not per matrix (114 of them in a 1B model). */
    private static final ThreadLocal<byte[][]> BUFFERS = ThreadLocal.withInitial(() -> new byte[2][0]);

    private GroupCopy() {
    }

    /**
     * Copies {@code groups} groups of {@code groupBytes} bytes from {@code src} into {@code dst} (as large), each
     * rewritten by {@code rewrite}; the bytes after the last whole group (rows that make no group) are copied as they
     * are. If {@code src} is a file mapping, its pages are released ({@link MemorySegment#unload}) part by part, and
     * once more over the whole matrix at the end.
     */
    static void copy(MemorySegment src, MemorySegment dst, int groups, int groupBytes, Rewrite rewrite) {
        int perCopy = Math.max(1, COPY_BYTES / groupBytes);
        int copies = (groups + perCopy - 1) / perCopy;
        boolean mapped = src.isMapped();
        Parallel.forRange(copies, (start, end) -> {
            byte[][] buffers = BUFFERS.get();
            if (buffers[0].length < groupBytes * perCopy) {
                buffers[0] = new byte[groupBytes * perCopy];
                buffers[1] = new byte[groupBytes * perCopy];
            }
            byte[] in = buffers[0];
            byte[] out = buffers[1];
            for (int c = start; c < end; c++) {
                int g0 = c * perCopy;
                int n = Math.min(perCopy, groups - g0);
                long at = (long) groupBytes * g0;
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, at, in, 0, groupBytes * n);
                for (int g = 0; g < n; g++) {
                    rewrite.group(in, out, groupBytes * g);
                }
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, at, groupBytes * n);
            }
            if (mapped) { // this part's file pages, released as soon as they are copied
                long from = (long) groupBytes * perCopy * start;
                src.asSlice(from, Math.min(src.byteSize(), (long) groupBytes * perCopy * end) - from).unload();
            }
        });
        long tail = (long) groupBytes * groups;
        MemorySegment.copy(src, tail, dst, tail, src.byteSize() - tail);
        if (mapped) {
            // again over the whole matrix: reading the page a neighbouring part had released faulted it back in,
            // with the kernel's fault-around (up to 64 KB of pages at once)
            src.unload();
        }
    }
}
