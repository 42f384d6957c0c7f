package dev.bastion.gateway.server;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One part of the gateway's start built on its own thread while the composition root builds the rest; {@link #join()}
 * waits for it and rethrows its failure unchanged, so a start that fails in parallel fails with the same exception
 * and message as one that ran in sequence. The thread is a daemon: a start that fails elsewhere never waits for it.
 *
 * @param <T> what the part builds
 */
final class StartInParallel<T> {
    private final CompletableFuture<T> result;

    private StartInParallel(CompletableFuture<T> result) {
        this.result = result;
    }

    /** Starts building {@code part} now on a new platform thread named {@code threadName}. */
    static <T> StartInParallel<T> begin(String threadName, Supplier<T> part) {
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(part, "part");
        return new StartInParallel<>(CompletableFuture.supplyAsync(part,
                task -> Thread.ofPlatform().daemon().name(threadName).start(task)));
    }

    /**
     * The part, once built.
     *
     * @throws RuntimeException the exception building it threw, or an {@link IllegalStateException} naming an
     *         {@link Error} or checked exception as its cause
     */
    T join() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a part of the gateway's start failed", e.getCause());
        }
    }
}
