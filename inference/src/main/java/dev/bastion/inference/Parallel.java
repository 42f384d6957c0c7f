package dev.bastion.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fixed pool of worker threads that all kernels share.
 *
 * <p>The pool has {@link #threads()} threads in all: the caller of {@link #forRange} and {@code threads() - 1}
 * daemon workers. The size comes from {@link #configure(int)} if it was called before first use, else from the
 * system property {@code bastion.inference.threads}, else {@link Runtime#availableProcessors()}.
 *
 * <p>This class is thread-safe. Calls from different threads take turns; a call made from inside a body (by a
 * worker or by the caller) runs inline on the calling thread, so nesting never deadlocks.
 */
public final class Parallel {

    /** A piece of work over the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final Object INIT = new Object();
    private static volatile Pool pool;
    private static int configured;

    private Parallel() {
    }

    /**
     * Sets the number of threads; only before the pool is first used.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException if the pool already runs with a different size
     */
    public static void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        synchronized (INIT) {
            if (pool != null && pool.size != threads) {
                throw new IllegalStateException("the inference thread pool already runs with " + pool.size
                        + " threads; configure it before the first kernel call");
            }
            configured = threads;
        }
    }

    /** The number of threads that share the work of one {@link #forRange} call, the caller included. */
    public static int threads() {
        return pool().size;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks, on the pool and the calling thread, and returns
     * when every chunk is done. An exception thrown by a chunk is rethrown here after all chunks finished.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static void forRange(int n, RangeBody body) {
        if (n < 0) {
            throw new IllegalArgumentException("range length must not be negative, got " + n);
        }
        if (n == 0) {
            return;
        }
        pool().run(n, body);
    }

    private static Pool pool() {
        Pool p = pool;
        if (p != null) {
            return p;
        }
        synchronized (INIT) {
            if (pool == null) {
                int size = configured > 0 ? configured : fromProperty();
                pool = new Pool(size);
            }
            return pool;
        }
    }

    private static int fromProperty() {
        String value = System.getProperty("bastion.inference.threads");
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(value.strip());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property bastion.inference.threads must be a positive integer, got '"
                + value + "'");
    }

    /*
     * One call publishes its job by writing the job fields and then incrementing the volatile `generation`.
     * Workers spin on `generation` for SPIN_NANOS (the next call of a token's ~200 usually comes within
     * microseconds), then park. A worker sets its `parked` flag before re-reading `generation` and the caller
     * reads the flag after writing `generation` (both volatile), so a worker is never left asleep on a job.
     * Chunks are claimed from an atomic counter, so faster threads take more of them. Nothing is allocated
     * per call.
     */
    private static final class Pool {
        private static final long SPIN_NANOS = 200_000;

        final int size;
        private final Worker[] workers;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicInteger nextChunk = new AtomicInteger();
        private final AtomicInteger pending = new AtomicInteger();
        private volatile int generation;
        private RangeBody body;
        private int length;
        private int chunks;
        private volatile Throwable failure;

        Pool(int size) {
            this.size = size;
            this.workers = new Worker[size - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        void run(int n, RangeBody task) {
            if (workers.length == 0 || n == 1 || Thread.currentThread() instanceof Worker
                    || lock.isHeldByCurrentThread()) {
                task.run(0, n);
                return;
            }
            lock.lock();
            try {
                body = task;
                length = n;
                chunks = Math.min(n, size * 4);
                failure = null;
                nextChunk.set(0);
                pending.set(workers.length);
                generation = generation + 1;
                for (Worker w : workers) {
                    if (w.parked) {
                        LockSupport.unpark(w);
                    }
                }
                work();
                int spins = 0;
                while (pending.get() != 0) {
                    if (++spins < 1 << 16) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
                body = null;
                Throwable t = failure;
                if (t != null) {
                    failure = null;
                    if (t instanceof RuntimeException re) {
                        throw re;
                    }
                    if (t instanceof Error er) {
                        throw er;
                    }
                    throw new IllegalStateException("a parallel kernel chunk failed", t);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Claims and runs chunks until none is left; chunk c covers [c*n/chunks, (c+1)*n/chunks). */
        void work() {
            RangeBody task = body;
            int n = length;
            int c = chunks;
            int i;
            while ((i = nextChunk.getAndIncrement()) < c) {
                int start = (int) ((long) i * n / c);
                int end = (int) ((long) (i + 1) * n / c);
                try {
                    task.run(start, end);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("bastion-inference-" + (index + 1));
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0; // the generation when the pool was built: a job may be published before this runs
            while (true) {
                seen = awaitJob(seen);
                pool.work();
                pool.pending.decrementAndGet();
            }
        }

        private int awaitJob(int seen) {
            long start = System.nanoTime();
            int g;
            while ((g = pool.generation) == seen) {
                if (System.nanoTime() - start < Pool.SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (pool.generation == seen) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
            return g;
        }
    }
}
