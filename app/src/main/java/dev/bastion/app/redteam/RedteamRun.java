package dev.bastion.app.redteam;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Sends probes to a target (and a comparison endpoint) on virtual threads, at most {@code concurrency} requests in
 * flight per endpoint, and judges each reply. Results come back in probe order whatever order replies arrive in.
 */
public final class RedteamRun {
    private final int concurrency;
    private final AnswerRedactor redactor;

    public RedteamRun(int concurrency, AnswerRedactor redactor) {
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("--concurrency must be between 1 and 256, got " + concurrency);
        }
        this.concurrency = concurrency;
        this.redactor = redactor;
    }

    /**
     * Runs every probe against {@code target} and, when given, {@code compare} (both at once, each bounded).
     *
     * @param progress told the number of exchanges done so far, from any thread
     */
    public List<ProbeResult> run(List<Probe> probes, Target target, Optional<Target> compare, IntConsumer progress)
            throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> onTarget = submit(threads, probes, target, done, progress);
            List<Future<Outcome>> onCompare = compare.isPresent()
                    ? submit(threads, probes, compare.get(), done, progress) : List.of();
            List<ProbeResult> results = new ArrayList<>(probes.size());
            for (int i = 0; i < probes.size(); i++) {
                results.add(new ProbeResult(probes.get(i), get(onTarget.get(i)),
                        onCompare.isEmpty() ? Optional.empty() : Optional.of(get(onCompare.get(i)))));
            }
            return results;
        }
    }

    private List<Future<Outcome>> submit(ExecutorService threads, List<Probe> probes, Target target, AtomicInteger done,
            IntConsumer progress) {
        Semaphore permits = new Semaphore(concurrency);
        List<Future<Outcome>> futures = new ArrayList<>(probes.size());
        for (Probe probe : probes) {
            futures.add(threads.submit(() -> {
                permits.acquire();
                try {
                    return Detectors.judge(probe, target.send(probe), redactor);
                } finally {
                    permits.release();
                    progress.accept(done.incrementAndGet());
                }
            }));
        }
        return futures;
    }

    private static Outcome get(Future<Outcome> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a probe could not be judged: " + e.getCause().getClass().getSimpleName(),
                    e.getCause());
        }
    }
}
