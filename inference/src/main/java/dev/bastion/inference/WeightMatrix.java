package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A weight matrix of {@code rows} rows of {@code cols} elements, stored row after row in ggml's block layout in
 * a memory segment (normally a read-only mapping of a GGUF file), and the products the model needs of it.
 *
 * <p>The weights are read in place and never copied out, except Q8_0 matrices of at least four rows and Q4_0,
 * Q4_K, Q5_K and Q6_K matrices of a multiple of four rows with the vector kernels: those are rewritten once, at
 * creation, into groups of four interleaved rows ({@link Q8_0x4}, {@link Q4_0x4}, {@link Q4_Kx4},
 * {@link Q5_Kx4}, {@link Q6_Kx4}) in anonymous memory (of the same size; Q4_K 2.8% and Q5_K 2.3% more), and the
 * file pages read for that are released. The system properties {@code bastion.inference.k-rows=true} and
 * {@code bastion.inference.q4_0-rows=true} keep K-quant and Q4_0 rows as they are (for side-by-side
 * measurements). The kernels are {@link VectorKernels}, or
 * {@link ScalarKernels} if the system property {@code bastion.inference.scalar} is {@code true} when the matrix
 * is created (or the platform has no usable vector shape). {@link #matvec} and {@link #matmul} split their rows
 * over {@link Parallel}; the segment must therefore be readable from any thread (a global, auto or shared
 * arena, not a confined one).
 *
 * <p>Instances are immutable and thread-safe; the arrays passed in are the caller's to keep consistent.
 */
public abstract sealed class WeightMatrix permits WeightMatrix.Mapped {

    private final GgmlType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    /** For Q8_0 rows in groups of four ({@link Q8_0x4}): one slice per group; else empty. */
    private final MemorySegment[] groups;

    private WeightMatrix(GgmlType type, MemorySegment data, int rows, int cols, boolean interleaved) {
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        this.groups = !interleaved ? new MemorySegment[0] : switch (type) {
            case Q4_K -> Q4_Kx4.groups(data, rows, cols);
            case Q5_K -> Q5_Kx4.groups(data, rows, cols);
            case Q6_K -> Q6_Kx4.groups(data, rows, cols);
            case Q4_0 -> Q4_0x4.groups(data, rows, cols);
            default -> Q8_0x4.groups(data, rows, cols);
        };
    }

    /**
     * The matrix over {@code data}.
     *
     * @throws IllegalArgumentException if the type has no kernels, {@code rows} or {@code cols} is not positive,
     *     {@code cols} is not a multiple of the type's block size, or {@code data} is not exactly
     *     {@code rows * type.byteSize(cols)} bytes
     */
    public static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        if (!type.supported()) {
            throw new IllegalArgumentException("tensor type " + type + " is not supported; supported types are "
                    + "F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K and Q6_K");
        }
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("a " + type + " weight matrix needs positive rows and cols, got "
                    + rows + " x " + cols);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("a row of " + cols + " elements is not a whole number of " + type
                    + " blocks of " + type.blockSize());
        }
        long expected = Math.multiplyExact(rows, type.byteSize(cols));
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " " + type + " matrix takes " + expected
                    + " bytes, but the data has " + data.byteSize());
        }
        boolean scalar = Boolean.getBoolean("bastion.inference.scalar") || !VectorKernels.AVAILABLE;
        long bytes = packedBytes(type, rows, cols);
        if (bytes > 0) {
            Optional<MemorySegment> packed = AnonymousMemory.allocate(bytes);
            if (packed.isPresent()) {
                switch (type) {
                    case Q8_0 -> Q8_0x4.repack(data, packed.get(), rows, cols);
                    case Q4_0 -> Q4_0x4.repack(data, packed.get(), rows, cols);
                    case Q4_K -> Q4_Kx4.repack(data, packed.get(), rows, cols);
                    case Q5_K -> Q5_Kx4.repack(data, packed.get(), rows, cols);
                    default -> Q6_Kx4.repack(data, packed.get(), rows, cols);
                }
                // the file's pages that the copy read are released, so that the process does not hold them and the
                // copy at once (they stay in the page cache, outside this process); Q8_0x4 and Q4_0x4 already did
                if (data.isMapped()) {
                    data.unload();
                }
                return new Mapped(type, packed.get(), rows, cols, false, true);
            }
        }
        return new Mapped(type, data, rows, cols, scalar, false);
    }

    /**
     * The size of the interleaved layout {@link #of} rebuilds a {@code rows x cols} matrix of {@code type} into with
     * this process's kernels and settings, or 0 if it keeps such a matrix as the file has it. Q8_0 matrices of at
     * least four rows and Q4_0, Q4_K, Q5_K and Q6_K matrices of a multiple of four rows, with the 512-bit int8
     * kernels; unless the scalar kernels are asked for, or {@code bastion.inference.q4_0-rows} /
     * {@code bastion.inference.k-rows} keep those rows as they are.
     */
    static long packedBytes(GgmlType type, int rows, int cols) {
        boolean scalar = Boolean.getBoolean("bastion.inference.scalar") || !VectorKernels.AVAILABLE;
        if (scalar) {
            return 0;
        }
        long plain = (long) rows * type.byteSize(cols);
        return switch (type) {
            case Q8_0 -> Int8Kernels.AVAILABLE && rows >= Q8_0x4.ROWS ? plain : 0;
            case Q4_0 -> Int8Kernels.AVAILABLE && rows % Q4_0x4.ROWS == 0
                    && !Boolean.getBoolean("bastion.inference.q4_0-rows") ? plain : 0;
            case Q4_K, Q5_K, Q6_K -> {
                if (!KQuantInt8.AVAILABLE || rows % 4 != 0 || Boolean.getBoolean("bastion.inference.k-rows")) {
                    yield 0;
                }
                yield switch (type) {
                    case Q4_K -> Q4_Kx4.packedBytes(rows, cols);
                    case Q5_K -> Q5_Kx4.packedBytes(rows, cols);
                    default -> plain;
                };
            }
            default -> 0;
        };
    }

    /**
     * What {@link #packedBytes} depends on besides the matrix itself, as one line: a cache of rebuilt layouts
     * ({@link WeightCache}) made under another line is not used. {@link #LAYOUT_VERSION} changes with any change to
     * a repack's output.
     */
    static String packingSettings() {
        return "layout=" + LAYOUT_VERSION
                + " vector-bits=" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()
                + " vector=" + VectorKernels.AVAILABLE + " int8=" + Int8Kernels.AVAILABLE
                + " kquant-int8=" + KQuantInt8.AVAILABLE
                + " scalar=" + Boolean.getBoolean("bastion.inference.scalar")
                + " q4_0-rows=" + Boolean.getBoolean("bastion.inference.q4_0-rows")
                + " k-rows=" + Boolean.getBoolean("bastion.inference.k-rows");
    }

    /** The version of the interleaved layouts (Q8_0x4, Q4_0x4, Q4_Kx4, Q5_Kx4, Q6_Kx4) as {@link #of} writes them. */
    static final int LAYOUT_VERSION = 1;

    /**
     * The matrix over {@code packed}, a layout {@link #of} made earlier for the same type and shape (kept in a
     * {@link WeightCache}): the same kernels, the same bits as the matrix {@link #of} returns.
     *
     * @throws IllegalArgumentException if {@link #of} would not rebuild such a matrix, or {@code packed} is not of
     *     its size
     */
    static WeightMatrix packed(GgmlType type, MemorySegment packed, int rows, int cols) {
        long bytes = rows > 0 && cols > 0 && cols % type.blockSize() == 0 ? packedBytes(type, rows, cols) : 0;
        if (bytes == 0 || packed.byteSize() != bytes) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " " + type + " matrix is not rebuilt into "
                    + packed.byteSize() + " bytes here (expected " + bytes + ")");
        }
        return new Mapped(type, packed, rows, cols, false, true);
    }

    /** The rebuilt layout of an interleaved matrix ({@link #of}), or empty for one read as the file has it. */
    final Optional<MemorySegment> packedData() {
        return interleaved() ? Optional.of(data) : Optional.empty();
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    public final GgmlType type() {
        return type;
    }

    /**
     * {@code out[r] = sum_c W[r][c] * x[c]} for every row, split over the {@link Parallel} threads.
     *
     * <p>For Q8_0 weights with the vector kernels, x is first rounded to int8 blocks of 32, as llama.cpp does
     * (measured faster, see {@link Int8Kernels}); each {@code out[r]} then differs from the exact product by at
     * most {@code sum_c |W[r][c]| * max|x_block(c)| / 254}. For Q4_0 weights in groups of four ({@link Q4_0x4})
     * and Q4_K, Q5_K and Q6_K weights with the vector kernels, x is rounded the same way ({@link Q8K},
     * {@link KQuantInt8}), with the same bound. The rounded activations go to buffers of the calling thread
     * ({@link ActivationBuffers}), allocated once per row length. All other cases compute the float product.
     *
     * @throws IllegalArgumentException if {@code x} is shorter than {@link #cols()} or {@code out} than {@link #rows()}
     */
    public void matvec(float[] x, float[] out) {
        requireLength("x", x, cols, "cols");
        requireLength("out", out, rows, "rows");
        if (interleaved() && type.blockSize() == 256) {
            kQuantGroups(ActivationBuffers.q8k(x, cols), out);
            return;
        }
        if (interleaved() && type == GgmlType.Q4_0) {
            Q4_0x4.Activations xq = Q4_0x4.activations(ActivationBuffers.q8(x, cols));
            Parallel.forRange(groups.length, (start, end) -> {
                for (int g = start; g < end; g++) {
                    Q4_0x4.dot4(groups[g], xq, cols, out, Q4_0x4.ROWS * g);
                }
            });
            return;
        }
        if (interleaved()) {
            Int8Kernels.Q8 xq = ActivationBuffers.q8(x, cols);
            float[] xd = xq.d();
            int count = groups.length;
            if (Q8_0_WIDENED) {
                q8_0Widened(xq, out);
                return;
            }
            byte[] xb = xq.q();
            Parallel.forRange(count + rows % Q8_0x4.ROWS, (start, end) -> {
                for (int u = start; u < end; u++) {
                    if (u < count) {
                        Q8_0x4.dot4(groups[u], xb, xd, cols, out, Q8_0x4.ROWS * u);
                    } else {
                        int r = Q8_0x4.ROWS * count + u - count;
                        out[r] = Int8Kernels.dotQ8_0(data, rowBytes * r, xq, cols);
                    }
                }
            });
            return;
        }
        if (type == GgmlType.Q8_0 && !scalar() && Int8Kernels.AVAILABLE) {
            Int8Kernels.Q8 xq = ActivationBuffers.q8(x, cols);
            Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[r] = Int8Kernels.dotQ8_0(data, rowBytes * r, xq, cols);
                }
            });
            return;
        }
        if (type.blockSize() == 256 && !scalar() && KQuantInt8.AVAILABLE) {
            kQuantMatvec(ActivationBuffers.q8k(x, cols), out);
            return;
        }
        if (type == GgmlType.Q4_0 && !scalar()) {
            // the kernel called directly, not through the per-type switch: see VectorKernels.dotQ4_0 on inlining
            Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[r] = VectorKernels.dotQ4_0(data, rowBytes * r, x, 0, cols);
                }
            });
            return;
        }
        Parallel.forRange(rows, (start, end) -> {
            for (int r = start; r < end; r++) {
                out[r] = dot(r, x, 0);
            }
        });
    }

    /**
     * {@code -Dbastion.inference.q8_0-widened=true}: Q8_0 groups through round nine's kernel, the activations widened
     * and spread in memory ({@link Q8_0x4#widen}), for side-by-side measurements (the same bits).
     */
    private static final boolean Q8_0_WIDENED = Boolean.getBoolean("bastion.inference.q8_0-widened");

    /** The interleaved Q8_0 product as before round twenty ({@link #Q8_0_WIDENED}). */
    private void q8_0Widened(Int8Kernels.Q8 xq, float[] out) {
        short[] xs = Q8_0x4.widen(xq);
        float[] xd = xq.d();
        int count = groups.length;
        Parallel.forRange(count + rows % Q8_0x4.ROWS, (start, end) -> {
            for (int u = start; u < end; u++) {
                if (u < count) {
                    Q8_0x4.dot4(groups[u], xs, xd, cols, out, Q8_0x4.ROWS * u);
                } else {
                    int r = Q8_0x4.ROWS * count + u - count;
                    out[r] = Int8Kernels.dotQ8_0(data, rowBytes * r, xq, cols);
                }
            }
        });
    }

    /**
     * Q4_K, Q5_K or Q6_K rows interleaved by four ({@link Q4_Kx4}, {@link Q5_Kx4}, {@link Q6_Kx4}) times int8
     * activations, each kernel called directly, as in {@link #kQuantMatvec}. They take the faster kernels
     * {@link Q4_Kx4Folded}, {@link Q5_Kx4Folded} and {@link Q6_Kx4Bytes}, which give their reference kernels' bits
     * (those that {@link #matvecEach} gives each input, through the same kernels). They read the activations as
     * they come ({@link Q8K}), not spread four times over ({@link Q4_Kx4.Activations}, which the multi-input
     * reference {@link KQuantGroupsEach} reads), so that a row of 8192 columns keeps them in the first-level cache
     * (docs/inference-kernels.md, round seventeen).
     */
    private void kQuantGroups(Q8K xq, float[] out) {
        // One loop per type, the switch outside it: a helper switching per group (one loop for all three types,
        // here and in kQuantGroupsEach) ran 4 Q4_K_M streams at 20.0 tokens/s against 40.5 with this form
        // (streams.sh, quiet, 2026-12-07 15:51-15:54), so the arms stay written out.
        switch (type) {
            case Q4_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int g = start; g < end; g++) {
                    Q4_Kx4Folded.dot4(groups[g], xq, cols, out, Q4_Kx4.ROWS * g);
                }
            });
            case Q5_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int g = start; g < end; g++) {
                    Q5_Kx4Folded.dot4(groups[g], xq, cols, out, Q5_Kx4.ROWS * g);
                }
            });
            case Q6_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int g = start; g < end; g++) {
                    Q6_Kx4Bytes.dot4(groups[g], xq, cols, out, Q6_Kx4.ROWS * g);
                }
            });
            default -> throw new IllegalStateException("no interleaved kernel for " + type);
        }
    }

    /** Groups of four rows a tile holds in {@link #kQuantGroupsEach}: 16 are 74-430 KB of K-quants, in L2. */
    static final int EACH_TILE_GROUPS = 16;

    /**
     * As {@link #kQuantGroups} for several inputs: the groups in tiles of {@link #EACH_TILE_GROUPS}, each tile
     * multiplied with one input after the other by the single-input kernel itself, so that every input gets the
     * bits {@link #matvec} gives it alone and the tile is read from memory once (then from cache) for all of them;
     * {@code out[i * rows + r]} receives row r times input i.
     */
    private void kQuantGroupsEach(Q8K[] xq, float[] out) {
        /*
         * Why the single-input kernels and not KQuantGroupsEach (each chunk of a group unpacked once for all inputs).
         * StepPhasesCpu on the Q4_K_M file (every matrix of the model, from memory, one thread, thread CPU time;
         * docs/inference-kernels.md, round seventeen): for four inputs the multi-input kernel cost 0.74-0.85 of four
         * lone passes on the Q4_K rows of 2048 columns (wq, wk, wo, gate, up: most of the file), where the lone kernel
         * is compute-bound and the multi-input one spends more per input than it saves; and in two JVMs of four its
         * Q6_K code ran at half its speed (the output head 123-150 ms against 62-64). Tiles of the single-input
         * kernels were at least as fast on every shape (Q4_K 2048 columns 1.1-1.3x, Q6_K equal to the fast case)
         * and steady from JVM to JVM.
         */
        int n = xq.length;
        switch (type) {
            case Q4_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int t = start; t < end; t += EACH_TILE_GROUPS) {
                    int tileEnd = Math.min(end, t + EACH_TILE_GROUPS);
                    for (int i = 0; i < n; i++) {
                        for (int g = t; g < tileEnd; g++) {
                            Q4_Kx4Folded.dot4(groups[g], xq[i], cols, out, i * rows + Q4_Kx4.ROWS * g);
                        }
                    }
                }
            });
            case Q5_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int t = start; t < end; t += EACH_TILE_GROUPS) {
                    int tileEnd = Math.min(end, t + EACH_TILE_GROUPS);
                    for (int i = 0; i < n; i++) {
                        for (int g = t; g < tileEnd; g++) {
                            Q5_Kx4Folded.dot4(groups[g], xq[i], cols, out, i * rows + Q5_Kx4.ROWS * g);
                        }
                    }
                }
            });
            case Q6_K -> Parallel.forRange(groups.length, (start, end) -> {
                for (int t = start; t < end; t += EACH_TILE_GROUPS) {
                    int tileEnd = Math.min(end, t + EACH_TILE_GROUPS);
                    for (int i = 0; i < n; i++) {
                        for (int g = t; g < tileEnd; g++) {
                            Q6_Kx4Bytes.dot4(groups[g], xq[i], cols, out, i * rows + Q6_Kx4.ROWS * g);
                        }
                    }
                }
            });
            default -> throw new IllegalStateException("no interleaved kernel for " + type);
        }
    }

    /** Q4_K, Q5_K or Q6_K rows times int8 activations, each kernel called directly (see {@link KQuantInt8}). */
    private void kQuantMatvec(Q8K xq, float[] out) {
        switch (type) {
            case Q4_K -> Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[r] = KQuantInt8.dotQ4_K(data, rowBytes * r, xq, cols);
                }
            });
            case Q5_K -> Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[r] = KQuantInt8.dotQ5_K(data, rowBytes * r, xq, cols);
                }
            });
            case Q6_K -> Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    out[r] = KQuantInt8.dotQ6_K(data, rowBytes * r, xq, cols);
                }
            });
            default -> throw new IllegalStateException("no int8 kernel for " + type);
        }
    }

    /**
     * The products with {@code n} input vectors, each computed exactly as {@link #matvec} computes it alone (the
     * same rounding of the input, the same kernel, the same bits): {@code x} holds them back to back and
     * {@code out[i * rows + r]} receives row {@code r} times input {@code i}. Each row is applied to all inputs
     * while it is in cache, so the weights are read once; the arithmetic is that of {@code n} calls, except that
     * the blocks of Q4_K, Q5_K and Q6_K rows are unpacked once for all inputs, rows left as they are by
     * {@link KQuantInt8Each}; interleaved K-quant groups go in tiles through the single-input kernels, each tile
     * read from memory once for all inputs; interleaved Q8_0 groups ({@link Q8_0x4Each}) and Q4_0 rows
     * ({@link Q4_0Each}) are unpacked once for all inputs. This is what lets
     * concurrent generations share a step and still give the answers they give alone.
     *
     * @throws IllegalArgumentException if {@code n} is negative or an array is too short
     */
    public void matvecEach(float[] x, int n, float[] out) {
        if (n < 0) {
            throw new IllegalArgumentException("the number of input vectors must not be negative, got " + n);
        }
        requireLength("x", x, (long) n * cols, n + " * cols");
        requireLength("out", out, (long) n * rows, n + " * rows");
        if (n == 1) {
            matvec(x, out);
            return;
        }
        if (interleaved() && type.blockSize() == 256) {
            Q8K[] xq = new Q8K[n];
            for (int i = 0; i < n; i++) {
                xq[i] = Q8K.of(input(x, i), cols);
            }
            kQuantGroupsEach(xq, out);
            return;
        }
        if (interleaved() && type == GgmlType.Q4_0) {
            // tiles of groups, each through the single-input kernel for one input after the other (as
            // kQuantGroupsEach): every input gets the bits matvec gives it alone
            Q4_0x4.Activations[] xq = new Q4_0x4.Activations[n];
            for (int i = 0; i < n; i++) {
                xq[i] = Q4_0x4.Activations.of(Int8Kernels.Q8.of(input(x, i), cols));
            }
            Parallel.forRange(groups.length, (start, end) -> {
                for (int t = start; t < end; t += EACH_TILE_GROUPS) {
                    int tileEnd = Math.min(end, t + EACH_TILE_GROUPS);
                    for (int i = 0; i < n; i++) {
                        for (int g = t; g < tileEnd; g++) {
                            Q4_0x4.dot4(groups[g], xq[i], cols, out, i * rows + Q4_0x4.ROWS * g);
                        }
                    }
                }
            });
            return;
        }
        if (interleaved()) {
            Int8Kernels.Q8[] xq = new Int8Kernels.Q8[n];
            short[][] xs = new short[n][];
            for (int i = 0; i < n; i++) {
                xq[i] = Int8Kernels.Q8.of(input(x, i), cols);
                xs[i] = Q8_0x4.widen(xq[i], new short[2 * cols]);
            }
            float[][] xd = new float[n][];
            for (int i = 0; i < n; i++) {
                xd[i] = xq[i].d();
            }
            int count = groups.length;
            Parallel.forRange(count + rows % Q8_0x4.ROWS, (start, end) -> {
                float[] sc = Q8_0x4Each.scales(cols);
                for (int u = start; u < end; u++) {
                    if (u < count) { // each group's scales and quants widened once for all inputs (Q8_0x4Each)
                        Q8_0x4Each.dot(groups[u], xs, xd, n, cols, out, Q8_0x4.ROWS * u, rows, sc);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        int r = Q8_0x4.ROWS * count + u - count;
                        out[i * rows + r] = Int8Kernels.dotQ8_0(data, rowBytes * r, xq[i], cols);
                    }
                }
            });
            return;
        }
        if (type == GgmlType.Q8_0 && !scalar() && Int8Kernels.AVAILABLE) {
            Int8Kernels.Q8[] xq = new Int8Kernels.Q8[n];
            for (int i = 0; i < n; i++) {
                xq[i] = Int8Kernels.Q8.of(input(x, i), cols);
            }
            Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    for (int i = 0; i < n; i++) {
                        out[i * rows + r] = Int8Kernels.dotQ8_0(data, rowBytes * r, xq[i], cols);
                    }
                }
            });
            return;
        }
        if (type.blockSize() == 256 && !scalar() && KQuantInt8.AVAILABLE) {
            Q8K[] xq = new Q8K[n];
            for (int i = 0; i < n; i++) {
                xq[i] = Q8K.of(input(x, i), cols);
            }
            kQuantMatvecEach(xq, n, out);
            return;
        }
        if (type == GgmlType.Q4_0 && !scalar()) {
            // each block converted once for all inputs, each input the bits of dotQ4_0 alone (Q4_0Each)
            Parallel.forRange(rows, (start, end) -> {
                for (int r = start; r < end; r++) {
                    Q4_0Each.dotEach(data, rowBytes * r, x, n, cols, out, r, rows);
                }
            });
            return;
        }
        Parallel.forRange(rows, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int i = 0; i < n; i++) {
                    out[i * rows + r] = dot(r, x, i * cols);
                }
            }
        });
    }

    /**
     * Q4_K, Q5_K or Q6_K rows times {@code n} int8 inputs, each super-block unpacked once for all of them and
     * each input's result the bits of {@link #kQuantMatvec} ({@link KQuantInt8Each}); each kernel called directly.
     */
    private void kQuantMatvecEach(Q8K[] xq, int n, float[] out) {
        switch (type) {
            case Q4_K -> Parallel.forRange(rows, (start, end) -> {
                float[] acc = new float[n * KQuantInt8Each.SCRATCH_PER_INPUT];
                float[] mins = new float[n];
                for (int r = start; r < end; r++) {
                    KQuantInt8Each.dotQ4_K(data, rowBytes * r, xq, n, cols, acc, mins, out, r, rows);
                }
            });
            case Q5_K -> Parallel.forRange(rows, (start, end) -> {
                float[] acc = new float[n * KQuantInt8Each.SCRATCH_PER_INPUT];
                float[] mins = new float[n];
                for (int r = start; r < end; r++) {
                    KQuantInt8Each.dotQ5_K(data, rowBytes * r, xq, n, cols, acc, mins, out, r, rows);
                }
            });
            case Q6_K -> Parallel.forRange(rows, (start, end) -> {
                float[] acc = new float[n * KQuantInt8Each.SCRATCH_PER_INPUT];
                float[] mins = new float[n];
                for (int r = start; r < end; r++) {
                    KQuantInt8Each.dotQ6_K(data, rowBytes * r, xq, n, cols, acc, mins, out, r, rows);
                }
            });
            default -> throw new IllegalStateException("no int8 kernel for " + type);
        }
    }

    /** Input {@code i} of {@code x} on its own, for the quantisers, which read their input from its start. */
    private float[] input(float[] x, int i) {
        return java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols);
    }

    /**
     * The product with {@code n} input vectors at once: {@code x} holds them back to back ({@code n * cols}
     * floats) and {@code out} receives the {@code n} results back to back, {@code out[i * rows + r]}.
     * Each dequantised row is reused for several inputs, so this is much cheaper per vector than {@link #matvec}.
     * With 512-bit vectors every type goes through {@link MatmulInputLanes} (each element one FMA chain over the
     * columns in order); the scalar kernels and narrower vectors through {@link MatmulTiles}.
     *
     * @throws IllegalArgumentException if {@code n} is negative or an array is too short
     */
    public void matmul(float[] x, int n, float[] out) {
        if (n < 0) {
            throw new IllegalArgumentException("the number of input vectors must not be negative, got " + n);
        }
        requireLength("x", x, (long) n * cols, n + " * cols");
        requireLength("out", out, (long) n * rows, n + " * rows");
        matmul(x, 0, n, out);
    }

    /**
     * {@link #matmul} of the inputs {@code [from, from + n)} of {@code x} only, into the same places of {@code out}
     * ({@code out[i * rows + r]} for {@code i} in that range). Each element is computed the same way whatever the
     * other inputs are.
     */
    void matmul(float[] x, int from, int n, float[] out) {
        if (n == 0) {
            return;
        }
        if (!scalar() && MatmulInputLanes.AVAILABLE) {
            // inputs in the vector lanes: Q8_0 and Q4_0 since round eleven, every type since round twelve
            MatmulInputLanes.matmul(this, x, from, from + n, out);
            return;
        }
        Parallel.forRange((rows + MatmulTiles.ROWS - 1) / MatmulTiles.ROWS, (start, end) -> MatmulTiles.run(this,
                x, from, from + n, out, start * MatmulTiles.ROWS, Math.min(rows, end * MatmulTiles.ROWS)));
    }

    /**
     * Writes row {@code r}, dequantised, to {@code out[offset .. offset + cols)}.
     *
     * @throws IllegalArgumentException if {@code r} is out of range or {@code out} has no room at {@code offset}
     */
    public void dequantizeRow(int r, float[] out, int offset) {
        requireRow(r);
        requireRange("out", out, offset);
        if (interleaved() && type == GgmlType.Q4_K) {
            Q4_Kx4.dequantize(groups[r / Q4_Kx4.ROWS], r % Q4_Kx4.ROWS, out, offset, cols);
        } else if (interleaved() && type == GgmlType.Q5_K) {
            Q5_Kx4.dequantize(groups[r / Q5_Kx4.ROWS], r % Q5_Kx4.ROWS, out, offset, cols);
        } else if (interleaved() && type == GgmlType.Q6_K) {
            Q6_Kx4.dequantize(groups[r / Q6_Kx4.ROWS], r % Q6_Kx4.ROWS, out, offset, cols);
        } else if (interleaved() && type == GgmlType.Q4_0) {
            Q4_0x4.dequantize(groups[r / Q4_0x4.ROWS], r % Q4_0x4.ROWS, out, offset, cols);
        } else if (interleaved() && r < rows - rows % Q8_0x4.ROWS) {
            Q8_0x4.dequantize(data, rowBytes * (r - r % Q8_0x4.ROWS), r % Q8_0x4.ROWS, out, offset, cols);
        } else if (scalar()) {
            ScalarKernels.dequantize(type, data, rowBytes * r, out, offset, cols);
        } else {
            VectorKernels.dequantize(type, data, rowBytes * r, out, offset, cols);
        }
    }

    /**
     * Rows {@code [r, r + count)} dequantised to {@code out[offset ..]}, row after row, each the floats of
     * {@link #dequantizeRow}; the groups of four of an interleaved K-quant matrix that the range holds whole are
     * dequantised a group at a time ({@link KQuantPanels}). Unchecked: for {@link MatmulInputLanes}'s panels.
     */
    final void dequantizeRows(int r, int count, float[] out, int offset) {
        int end = r + count;
        int i = r;
        if (interleaved() && type.blockSize() == 256) {
            for (; i < end && i % 4 != 0; i++) {
                dequantizeRow(i, out, offset + (i - r) * cols);
            }
            for (; i + 4 <= end; i += 4) {
                int o = offset + (i - r) * cols;
                switch (type) {
                    case Q4_K -> KQuantPanels.q4K(groups[i / 4], out, o, cols);
                    case Q5_K -> KQuantPanels.q5K(groups[i / 4], out, o, cols);
                    default -> KQuantPanels.q6K(groups[i / 4], out, o, cols);
                }
            }
        }
        for (; i < end; i++) {
            dequantizeRow(i, out, offset + (i - r) * cols);
        }
    }

    /**
     * The dot product of row {@code r} with {@code x[xOffset .. xOffset + cols)}.
     *
     * @throws IllegalArgumentException if {@code r} is out of range or {@code x} is too short from {@code xOffset}
     */
    public float dotRow(int r, float[] x, int xOffset) {
        requireRow(r);
        requireRange("x", x, xOffset);
        return dot(r, x, xOffset);
    }

    /** The unchecked dot of row {@code r}. */
    final float dot(int r, float[] x, int xOffset) {
        if (interleaved() && type == GgmlType.Q4_K) {
            return Q4_Kx4.dot(groups[r / Q4_Kx4.ROWS], r % Q4_Kx4.ROWS, x, xOffset, cols);
        }
        if (interleaved() && type == GgmlType.Q5_K) {
            return Q5_Kx4.dot(groups[r / Q5_Kx4.ROWS], r % Q5_Kx4.ROWS, x, xOffset, cols);
        }
        if (interleaved() && type == GgmlType.Q6_K) {
            return Q6_Kx4.dot(groups[r / Q6_Kx4.ROWS], r % Q6_Kx4.ROWS, x, xOffset, cols);
        }
        if (interleaved() && type == GgmlType.Q4_0) {
            return Q4_0x4.dot(groups[r / Q4_0x4.ROWS], r % Q4_0x4.ROWS, x, xOffset, cols);
        }
        if (interleaved() && r < rows - rows % Q8_0x4.ROWS) {
            return Q8_0x4.dot(data, rowBytes * (r - r % Q8_0x4.ROWS), r % Q8_0x4.ROWS, x, xOffset, cols);
        }
        return scalar()
                ? ScalarKernels.dot(type, data, rowBytes * r, x, xOffset, cols)
                : VectorKernels.dot(type, data, rowBytes * r, x, xOffset, cols);
    }

    abstract boolean scalar();

    /**
     * Whether the rows are in groups of four: Q8_0 ({@link Q8_0x4}; rows past the last whole group are not), Q4_0
     * ({@link Q4_0x4}), Q4_K ({@link Q4_Kx4}), Q5_K ({@link Q5_Kx4}) or Q6_K ({@link Q6_Kx4}; these four only in
     * matrices of whole groups).
     */
    abstract boolean interleaved();

    private void requireRow(int r) {
        if (r < 0 || r >= rows) {
            throw new IllegalArgumentException("row " + r + " is outside [0, " + rows + ")");
        }
    }

    private void requireRange(String name, float[] a, int offset) {
        if (offset < 0 || (long) offset + cols > a.length) {
            throw new IllegalArgumentException(name + " needs " + cols + " floats from offset " + offset
                    + ", but has length " + a.length);
        }
    }

    private static void requireLength(String name, float[] a, long needed, String what) {
        if (a.length < needed) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", needs at least " + needed
                    + " (" + what + ")");
        }
    }

    /** The one implementation: a matrix over a segment, with its choice of kernels fixed at creation. */
    static final class Mapped extends WeightMatrix {
        private final boolean scalar;
        private final boolean interleaved;

        Mapped(GgmlType type, MemorySegment data, int rows, int cols, boolean scalar, boolean interleaved) {
            super(type, data, rows, cols, interleaved);
            this.scalar = scalar;
            this.interleaved = interleaved;
        }

        @Override
        boolean scalar() {
            return scalar;
        }

        @Override
        boolean interleaved() {
            return interleaved;
        }
    }
}
