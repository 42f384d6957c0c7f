package dev.bastion.models.pull;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes a download's body stream when no bytes arrived for a while, so a stalled connection ends the pull (which
 * can then be resumed) instead of hanging: the JDK HttpClient has no read timeout of its own. Runs on one virtual
 * thread; {@link #close} stops it.
 */
final class IdleWatchdog implements AutoCloseable {
    private final Thread thread;
    private volatile long last = System.nanoTime();
    private volatile boolean fired;

    private IdleWatchdog(Closeable body, Duration idle) {
        long idleNanos = idle.toNanos();
        long tick = Math.max(10, Math.min(1000, idle.toMillis() / 4));
        thread = Thread.ofVirtual().name("model-pull-watchdog").start(() -> {
            try {
                while (true) {
                    Thread.sleep(tick);
                    if (System.nanoTime() - last > idleNanos) {
                        fired = true;
                        body.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // stopped, or the stream was already closed: nothing left to watch
            }
        });
    }

    static IdleWatchdog watch(Closeable body, Duration idle) {
        return new IdleWatchdog(body, idle);
    }

    /** Bytes arrived. */
    void touch() {
        last = System.nanoTime();
    }

    /** Whether the watchdog closed the stream. */
    boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
