package dev.bastion.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
     * One call publishes its job by writing the job fields, then the claim ticket (generation << 32 | next
     * chunk), then the volatile `generation`. Workers spin on `generation` for SPIN_NANOS (the next call of a
     * token's ~200 usually comes within microseconds), then park. A worker sets its `parked` flag before
     * re-reading `generation` and the caller reads the flag after writing `generation` (both volatile), so a
     * worker is never left asleep on a job.
     *
     * Chunks are claimed by compare-and-set on the ticket, which carries the generation: a worker that wakes
     * late, after its job is over, cannot claim a chunk of the next one. The caller waits for its chunks to be
     * done, not for the workers to check in, so a worker the OS has not scheduled costs nothing: the caller
     * takes its chunks. At the end of a call the ticket is closed (index MAX_VALUE) before the job fields are
     * reused. Nothing is allocated per call.
     */
    private static final class Pool {
        private static final long SPIN_NANOS = 200_000;
        private static final int CLOSED = Integer.MAX_VALUE;

        final int size;
        private final Worker[] workers;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicLong ticket = new AtomicLong(CLOSED);
        private final AtomicInteger done = new AtomicInteger();
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
                int g = generation + 1;
                body = task;
                length = n;
                chunks = Math.min(n, size * 4);
                failure = null;
                done.set(0);
                ticket.set((long) g << 32);
                generation = g;
                for (Worker w : workers) {
                    if (w.parked) {
                        LockSupport.unpark(w);
                    }
                }
                work(g);
                int spins = 0;
                while (done.get() != chunks) {
                    if (++spins < 1 << 12) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
                ticket.set((long) g << 32 | CLOSED);
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

        /**
         * Claims and runs chunks of job {@code g} until none is left; chunk i covers [i*n/chunks, (i+1)*n/chunks).
         * The job fields are read after the volatile read of {@code generation} that returned {@code g}; if the
         * job is already over they may be stale, and then no claim succeeds.
         */
        void work(int g) {
            RangeBody task = body;
            int n = length;
            int c = chunks;
            long t = ticket.get();
            while ((int) (t >>> 32) == g && (int) t < c) {
                if (!ticket.compareAndSet(t, t + 1)) {
                    t = ticket.get();
                    continue;
                }
                int i = (int) t;
                try {
                    task.run((int) ((long) i * n / c), (int) ((long) (i + 1) * n / c));
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                done.incrementAndGet();
                t = ticket.get();
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
                pool.work(seen);
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
