package dev.bastion.inference;

/**
 * The int8 activation buffers of one thread ({@link Q8K}, {@link Int8Kernels.Q8}), reused by every matvec that
 * thread calls, so that generating a token allocates nothing for them (before: three arrays per matvec, about a
 * hundred matvecs a token, garbage that grew the heap and the peak RSS; docs/inference-kernels.md, round eight).
 *
 * <p>A matvec quantises its input into the buffers of the calling thread, then hands them to the pool's workers
 * read-only and returns only when every chunk is done, so a buffer is never written while a kernel reads it. A
 * thread holds at most {@link #SLOTS} sizes per kind (a model has two or three row lengths); another size
 * replaces the oldest. Instances are confined to their thread.
 */
final class ActivationBuffers {

    private static final int SLOTS = 4;
    private static final ThreadLocal<ActivationBuffers> OF_THREAD = ThreadLocal.withInitial(ActivationBuffers::new);

    private final Q8K[] k = new Q8K[SLOTS];
    private final Int8Kernels.Q8[] q8 = new Int8Kernels.Q8[SLOTS];
    private int nextK;
    private int nextQ8;

    private ActivationBuffers() {
    }

    /**
     * The first {@code n} values of {@code x} rounded into this thread's Q8_K buffers of length {@code n}; valid
     * until the thread's next call with the same {@code n}.
     */
    static Q8K q8k(float[] x, int n) {
        ActivationBuffers b = OF_THREAD.get();
        for (Q8K q : b.k) {
            if (q != null && q.q().length == n) {
                return q.quantize(x);
            }
        }
        Q8K q = Q8K.allocate(n);
        b.k[b.nextK] = q;
        b.nextK = (b.nextK + 1) % SLOTS;
        return q.quantize(x);
    }

    /** As {@link #q8k}, for Q8_0's blocks of 32. */
    static Int8Kernels.Q8 q8(float[] x, int n) {
        ActivationBuffers b = OF_THREAD.get();
        for (Int8Kernels.Q8 q : b.q8) {
            if (q != null && q.q().length == n) {
                return q.quantize(x);
            }
        }
        Int8Kernels.Q8 q = Int8Kernels.Q8.allocate(n);
        b.q8[b.nextQ8] = q;
        b.nextQ8 = (b.nextQ8 + 1) % SLOTS;
        return q.quantize(x);
    }
}
