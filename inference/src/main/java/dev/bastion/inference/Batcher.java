package dev.bastion.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching: the forward passes that concurrent generations ask for are run together, one step at a
 * time, by one thread, so that every weight matrix is read once per step for all of them instead of once per
 * sequence. A sequence joins the running batch with its next forward call and leaves it by not making another
 * one; nothing waits for a batch to fill.
 *
 * <p>Each step takes the waiting calls in arrival order ({@link #plan}): every call that needs one more token (a
 * decoding sequence) gets its row, and what is left of the step's {@link Transformer#MAX_BATCH} rows goes to the
 * prompts waiting to be processed, oldest first, in chunks, so a long prompt neither waits for the others to
 * finish nor holds their tokens back for the whole of its processing.
 *
 * <p>A step starts once the calls of the previous step are back (each sequence samples its token and asks for the
 * next) or a quarter of the previous step's time has passed, whichever is first (at most
 * {@link #GATHER_MAX_NANOS}): starting as soon as the first of them is back split the sequences into two steps a
 * token, each reading every weight (see the note inside the class).
 *
 * <p>A call's tokens get the same bits in a shared step as in a {@link Transformer#forward} of their own (see
 * {@link Transformer#step}), so concurrent requests give the answers they give one at a time.
 *
 * <p>This class is thread-safe. {@link #forward} blocks its caller until its tokens have run.
 */
final class Batcher implements AutoCloseable {

    /** Rows of each step kept for waiting prompts while sequences decode, so prompts always progress. */
    static final int PROMPT_ROWS = 8;
    /** The longest a step waits for the calls of the previous step to come back. */
    static final long GATHER_MAX_NANOS = 50_000_000L;

    /*
     * Why a step waits for the previous step's calls. After a step, each sequence's own thread samples its token
     * and calls forward again; those calls come back one after another, a fraction of a millisecond to several
     * apart on a busy machine. The batcher used to start a step with whatever had come back, so four decoding
     * sequences drifted into steps of one and three rows (or two and two) and every token cost two passes over
     * the weights instead of one. Waiting is bounded, and a sequence that has ended (it makes no further call)
     * costs one bounded wait. The rows get the same bits whatever the step holds (Transformer.step), so waiting
     * changes no answer, only which rows share a reading of the weights.
     */

    private final Transformer transformer;
    private final Transformer.Scratch scratch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private final Thread thread;
    private boolean closed;
    /** Calls in the previous step, and its length: what the next step waits for, and how long at most. */
    private int lastCalls;
    private long lastStepNanos;
    /** Steps run and rows run, for harnesses (rows per step). Guarded by {@link #lock}. */
    private long steps;
    private long rows;

    /** A batcher for at most {@code calls} forward calls at once (the model's slots: one call per slot). */
    Batcher(Transformer transformer, String name, int calls) {
        this.transformer = transformer;
        this.scratch = transformer.newScratch(calls);
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
        thread.start();
    }

    /**
     * Runs {@code tokens[from, from + n)} at the next positions of {@code s} within the shared steps and writes the
     * logits of the last of them into {@code logits}; the same contract as {@link Transformer#forward}.
     *
     * @throws ContextOverflowException if the tokens do not fit the sequence's cache
     * @throws IllegalStateException if the batcher is closed
     */
    void forward(Transformer.Sequence s, int[] tokens, int from, int n, float[] logits) {
        if (n < 1) {
            throw new IllegalArgumentException("a forward call runs at least one token, got " + n);
        }
        if (s.cache.length() + n > s.cache.capacity()) {
            throw new ContextOverflowException(s.cache.length() + n, s.cache.capacity());
        }
        Call call = new Call(s, tokens, from, n, logits);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            waiting.add(call);
            work.signal();
            while (!call.finished) {
                call.done.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (call.failure != null) {
            if (call.failure instanceof RuntimeException e) {
                throw e;
            }
            throw new IllegalStateException("the shared forward step failed", call.failure);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** One forward call: its tokens, how many have run, and where its logits go. */
    final class Call {
        final Transformer.Sequence sequence;
        final int[] tokens;
        final int from;
        final int n;
        final float[] logits;
        final Condition done = lock.newCondition();
        int ran;
        boolean finished;
        Throwable failure;

        Call(Transformer.Sequence sequence, int[] tokens, int from, int n, float[] logits) {
            this.sequence = sequence;
            this.tokens = tokens;
            this.from = from;
            this.n = n;
            this.logits = logits;
        }

        int remaining() {
            return n - ran;
        }
    }

    /** The rows one step gives each call, in the order of {@code calls}: 0 for a call that waits this step. */
    static int[] plan(List<Integer> remaining, int rows, int promptRows) {
        int[] take = new int[remaining.size()];
        boolean promptsWaiting = remaining.stream().anyMatch(r -> r > 1);
        int decodeBudget = promptsWaiting ? rows - promptRows : rows;
        int used = 0;
        for (int i = 0; i < take.length && used < decodeBudget; i++) {
            if (remaining.get(i) == 1) {
                take[i] = 1;
                used++;
            }
        }
        for (int i = 0; i < take.length && used < rows; i++) {
            if (remaining.get(i) > 1) {
                take[i] = Math.min(remaining.get(i), rows - used);
                used += take[i];
            }
        }
        for (int i = 0; i < take.length && used < rows; i++) { // decoders left out for prompts that took less
            if (remaining.get(i) == 1 && take[i] == 0) {
                take[i] = 1;
                used++;
            }
        }
        return take;
    }

    private void loop() {
        int max = Transformer.MAX_BATCH;
        Transformer.Sequence[] sequences = new Transformer.Sequence[max];
        int[] tokens = new int[max];
        int[] wanted = new int[max];
        float[][] logits = new float[max][];
        while (true) {
            List<Call> calls;
            lock.lock();
            try {
                while (waiting.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                }
                if (closed) {
                    for (Call c : waiting) {
                        finish(c, new IllegalStateException("the model is closed"));
                    }
                    waiting.clear();
                    return;
                }
                long deadline = System.nanoTime() + Math.min(lastStepNanos / 4, GATHER_MAX_NANOS);
                while (waiting.size() < lastCalls && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        work.awaitNanos(left);
                    } catch (InterruptedException e) { // nobody interrupts this thread; if so, stop waiting
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                calls = new ArrayList<>(waiting);
            } finally {
                lock.unlock();
            }
            int[] take = plan(calls.stream().map(Call::remaining).toList(), max, PROMPT_ROWS);
            int n = 0;
            int m = 0;
            int single = 0;
            for (int pass = 0; pass < 2; pass++) { // one-token calls first: their rows are computed one by one
                for (int i = 0; i < take.length; i++) {
                    Call c = calls.get(i);
                    if (take[i] == 0 || (c.n == 1) != (pass == 0)) {
                        continue;
                    }
                    for (int j = 0; j < take[i]; j++) {
                        sequences[n] = c.sequence;
                        tokens[n] = c.tokens[c.from + c.ran + j];
                        n++;
                    }
                    if (take[i] == c.remaining()) { // its last token runs now: its logits are wanted
                        wanted[m] = n - 1;
                        logits[m] = c.logits;
                        m++;
                    }
                }
                if (pass == 0) {
                    single = n;
                }
            }
            Throwable failure = null;
            long start = System.nanoTime();
            try {
                transformer.step(scratch, sequences, tokens, n, single, wanted, logits, m);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            long took = System.nanoTime() - start;
            java.util.Arrays.fill(sequences, null);
            java.util.Arrays.fill(logits, null);
            lock.lock();
            try {
                lastStepNanos = took;
                lastCalls = 0;
                steps++;
                rows += n;
                for (int i = 0; i < take.length; i++) {
                    Call c = calls.get(i);
                    if (take[i] == 0) {
                        continue;
                    }
                    lastCalls++;
                    c.ran += take[i];
                    if (failure != null || c.ran == c.n) {
                        waiting.remove(c);
                        finish(c, failure);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Steps run so far and rows run in them, {@code {steps, rows}} (for harnesses: rows per step). */
    long[] stepCounts() {
        lock.lock();
        try {
            return new long[] {steps, rows};
        } finally {
            lock.unlock();
        }
    }

    private static void finish(Call c, Throwable failure) {
        c.failure = failure;
        c.finished = true;
        c.done.signal();
    }
}
