package dev.bastion.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /**
     * A piece of work over {@code [start, end)} whose only effect is {@code width} floats per index, written to
     * {@code dst} from {@code offset} on (index {@code start} at {@code offset}), the same floats whoever runs it
     * and however often: it reads nothing it writes, and writes nothing else.
     */
    @FunctionalInterface
    public interface RowsBody {
        void run(int start, int end, float[] dst, int offset);
    }

    private static final Object INIT = new Object();
    /**
     * Off: {@link #forRows} runs as {@link #forRange} did before it (8 chunks at 2 threads, workers writing the
     * output, the caller waiting for every claimed chunk). Only the benchmark harness ({@code DecodeRate}) turns
     * it off, to time both ways alternated in one JVM.
     */
    static volatile boolean takeOver = true;
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

    /**
     * As {@link #forRange}, for a body whose only effect is {@code width} floats per index into {@code out}
     * (index i at {@code out[width * i ..]}): a worker's chunk is computed into the worker's own buffer and
     * copied into {@code out} only if the caller has not taken the chunk over. A caller that has run out of
     * chunks and has waited about one of its own chunks' time for a worker's chunk takes it over and computes it
     * itself, so a worker the OS has descheduled in the middle of a chunk does not hold the call for a time
     * slice. The floats in {@code out} are the body's, whoever computed them.
     *
     * @throws IllegalArgumentException if {@code n} or {@code width} is negative or {@code out} is too short
     */
    public static void forRows(int n, int width, float[] out, RowsBody body) {
        if (n < 0 || width < 0) {
            throw new IllegalArgumentException("range length and width must not be negative, got " + n + " and " + width);
        }
        if (out.length < (long) n * width) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, fewer than " + n + " * " + width);
        }
        if (n == 0) {
            return;
        }
        if (!takeOver) {
            pool().run(n, (start, end) -> body.run(start, end, out, start * width));
            return;
        }
        pool().runRows(n, width, out, body);
    }

    /** How many chunks of {@link #forRows} calls the callers have taken over from workers so far (a diagnostic). */
    static long chunksTakenOver() {
        return pool().taken.get();
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
     *
     * Rows jobs (forRows) add a state per chunk, generation << 32 | state, so that the caller can take over a
     * chunk a worker claimed and was then descheduled in (round thirteen counted about 115 such waits per token
     * at 2 threads on a loaded machine, each a scheduler time slice). A worker marks its chunk CLAIMED (from
     * UNCLAIMED, which the caller set for every chunk before publishing the job), computes it into its own
     * buffer, and copies the buffer into the output only after moving the state from CLAIMED to COMMITTING;
     * the caller takes a chunk over by moving it from UNCLAIMED or CLAIMED to TAKEN and computes it straight
     * into the output. Exactly one of the two wins, so each chunk is written once and counted done once. A
     * worker that loses, or wakes after its job is over (the states then carry another generation), drops its
     * buffer: nothing it computed late reaches an output. The caller waits for COMMITTING chunks, whose copy
     * takes microseconds. Both compute the same floats (the body's contract), so the output does not depend on
     * who computed a chunk. Chunks are finer than forRange's (8 per thread) so that a take-over repeats little.
     */
    private static final class Pool {
        private static final long SPIN_NANOS = 200_000;
        private static final int CLOSED = Integer.MAX_VALUE;
        private static final int ROWS_CHUNKS_PER_THREAD = 8;
        private static final long UNCLAIMED = 0;
        private static final long CLAIMED = 1;
        private static final long COMMITTING = 2;
        private static final long TAKEN = 3;
        private static final long DONE = 4;
        /** How long the caller waits for a worker's chunk when it has no chunk of its own to time. */
        private static final long DEFAULT_PATIENCE_NANOS = 50_000;
        private static final long MIN_PATIENCE_NANOS = 2_000;

        final int size;
        private final Worker[] workers;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicLong ticket = new AtomicLong(CLOSED);
        private final AtomicInteger done = new AtomicInteger();
        private volatile int generation;
        private RangeBody body;
        private RowsBody rowsBody;
        private float[] rowsOut;
        private int width;
        private int length;
        private int chunks;
        private volatile Throwable failure;
        /** Per chunk of a rows job: generation << 32 | one of UNCLAIMED .. DONE. */
        private final AtomicLongArray states;
        private final AtomicLong taken = new AtomicLong();

        Pool(int size) {
            this.size = size;
            this.workers = new Worker[size - 1];
            this.states = new AtomicLongArray(size * ROWS_CHUNKS_PER_THREAD);
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
                rowsBody = null;
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
                rethrow();
            } finally {
                lock.unlock();
            }
        }

        void runRows(int n, int w, float[] out, RowsBody task) {
            if (workers.length == 0 || n == 1 || Thread.currentThread() instanceof Worker
                    || lock.isHeldByCurrentThread()) {
                task.run(0, n, out, 0);
                return;
            }
            lock.lock();
            try {
                int g = generation + 1;
                body = null;
                rowsBody = task;
                rowsOut = out;
                width = w;
                length = n;
                chunks = Math.min(n, size * ROWS_CHUNKS_PER_THREAD);
                failure = null;
                done.set(0);
                long gen = (long) g << 32;
                for (int i = 0; i < chunks; i++) {
                    states.set(i, gen | UNCLAIMED);
                }
                ticket.set(gen);
                generation = g;
                for (Worker wk : workers) {
                    if (wk.parked) {
                        LockSupport.unpark(wk);
                    }
                }
                long own = workRows(g, null);
                int ownChunks = (int) (own >>> 40);
                long ownNanos = own & ((1L << 40) - 1);
                // a worker's chunk that is running takes about as long as one of ours; past half as long again,
                // the worker has most likely been descheduled, and the chunk is taken over
                long patience = ownChunks > 0 ? Math.max(MIN_PATIENCE_NANOS, ownNanos * 3 / (2L * ownChunks))
                        : DEFAULT_PATIENCE_NANOS;
                long since = System.nanoTime();
                int spins = 0;
                while (done.get() != chunks) {
                    if (System.nanoTime() - since > patience) {
                        takeOver(g);
                        since = System.nanoTime();
                    } else if (++spins < 1 << 12) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
                ticket.set(gen | CLOSED);
                rowsBody = null;
                rowsOut = null;
                rethrow();
            } finally {
                lock.unlock();
            }
        }

        /** The caller computes, into the output, every chunk of job {@code g} a worker holds and has not committed. */
        private void takeOver(int g) {
            long gen = (long) g << 32;
            for (int i = 0; i < chunks; i++) {
                long v = states.get(i);
                if ((v == (gen | CLAIMED) || v == (gen | UNCLAIMED)) && states.compareAndSet(i, v, gen | TAKEN)) {
                    runChunk(rowsBody, i, rowsOut, (int) ((long) i * length / chunks) * width);
                    states.set(i, gen | DONE);
                    taken.incrementAndGet();
                    done.incrementAndGet();
                }
            }
        }

        /**
         * Claims and runs chunks of rows job {@code g} until none is left. The caller ({@code self == null})
         * writes into the output and returns its chunk count << 40 | their nanoseconds; a worker computes into
         * its own buffer and copies it into the output only if the caller has not taken the chunk over.
         */
        long workRows(int g, Worker self) {
            RowsBody task = rowsBody;
            float[] out = rowsOut;
            int n = length;
            int c = chunks;
            int w = width;
            long gen = (long) g << 32;
            int count = 0;
            long nanos = 0;
            long t = ticket.get();
            while ((int) (t >>> 32) == g && (int) t < c) {
                if (!ticket.compareAndSet(t, t + 1)) {
                    t = ticket.get();
                    continue;
                }
                int i = (int) t;
                int from = (int) ((long) i * n / c);
                int to = (int) ((long) (i + 1) * n / c);
                if (self == null) {
                    long start = System.nanoTime();
                    runChunk(task, i, out, from * w);
                    nanos += System.nanoTime() - start;
                    count++;
                    states.set(i, gen | DONE);
                    done.incrementAndGet();
                } else if (states.compareAndSet(i, gen | UNCLAIMED, gen | CLAIMED)) {
                    float[] own = self.scratch(w * (to - from));
                    Throwable thrown = null;
                    try {
                        task.run(from, to, own, 0);
                    } catch (Throwable e) {
                        thrown = e;
                    }
                    if (states.compareAndSet(i, gen | CLAIMED, gen | COMMITTING)) {
                        if (thrown != null) {
                            if (failure == null) {
                                failure = thrown;
                            }
                        } else {
                            System.arraycopy(own, 0, out, from * w, w * (to - from));
                        }
                        states.set(i, gen | DONE);
                        done.incrementAndGet();
                    }
                }
                t = ticket.get();
            }
            return (long) count << 40 | nanos;
        }

        private void runChunk(RowsBody task, int i, float[] out, int offset) {
            try {
                task.run((int) ((long) i * length / chunks), (int) ((long) (i + 1) * length / chunks), out, offset);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }

        private void rethrow() {
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
        private float[] scratch = new float[0];

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
                if (pool.rowsBody != null) {
                    pool.workRows(seen, this);
                } else {
                    pool.work(seen);
                }
            }
        }

        /** This worker's buffer for a rows chunk of {@code floats} floats, grown when too small. */
        float[] scratch(int floats) {
            if (scratch.length < floats) {
                scratch = new float[floats];
            }
            return scratch;
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
