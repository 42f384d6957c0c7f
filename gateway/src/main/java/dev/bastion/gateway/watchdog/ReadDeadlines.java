package dev.bastion.gateway.watchdog;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Closes what a read has outlived its deadline on: the gateway's read watchdog, for upstream bodies (the backend's
 * {@code UpstreamHttp} and {@code HelidonUpstream}), for clients that stall while sending a request (the server's
 * {@code ReadDeadline}) and for the answer's wait on its audit record (the pipeline's {@code AuditTrail}). It has a
 * package of its own because those three packages share it and none of them should reach into another for it. A read
 * registers a
 * {@link Watch} and closes it when done; one sweeping thread closes what is past its deadline, checking every
 * {@link #TICK}, so a read that stalls is closed within its timeout plus one tick.
 *
 * <p>Why not a timer per read: a {@code ScheduledThreadPoolExecutor} task per read (as before) took the timer's lock
 * twice per read, and whenever the timer's queue went from empty to one task (between requests at a paced rate, most
 * of the time) woke the timer thread to re-arm it: a thread wake-up per upstream read, and per event of a stream.
 * Registering here is one insertion into a concurrent set and closing is one removal; no thread is woken. The
 * sweeper sleeps for good ({@link #IDLE}) once nothing has been watched for a while and is woken by the next
 * registration. Thread-safe.
 */
public final class ReadDeadlines {
    /** How often the sweeper looks for reads past their deadline, while there are reads to watch. */
    static final Duration TICK = Duration.ofMillis(10);
    /** How long the sweeper keeps ticking with nothing to watch before it sleeps until the next registration. */
    static final Duration IDLE = Duration.ofSeconds(1);

    /** The deadlines of every watched read of this process (upstream bodies and client requests alike). */
    public static final ReadDeadlines SHARED = new ReadDeadlines(System::nanoTime);

    /** One watched read; closing it (when the read is done) stops the watch. */
    public final class Watch implements AutoCloseable {
        private final Closeable target;
        private final long deadline;
        private volatile boolean fired;

        private Watch(Closeable target, long deadline) {
            this.target = target;
            this.deadline = deadline;
        }

        /** Whether the deadline passed and the target was closed. */
        public boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final LongSupplier ticker;
    private final Thread sweeper;
    /** True while the sweeper sleeps until a registration wakes it (nothing was watched for {@link #IDLE}). */
    private volatile boolean asleep;

    /** A watchdog whose own thread sweeps on {@code ticker}'s time. */
    ReadDeadlines(LongSupplier ticker) {
        this(ticker, true);
    }

    /**
     * @param ticker nanosecond time
     * @param sweeping whether a thread of its own sweeps; tests that pass a fake ticker and call {@link #sweep}
     *     themselves pass false, or that thread would race their sweeps
     */
    ReadDeadlines(LongSupplier ticker, boolean sweeping) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sweeper = Thread.ofPlatform().daemon().name("bastion-read-watchdog").unstarted(this::run);
        if (sweeping) {
            this.sweeper.start();
        }
    }

    /** Watches a read of {@code target}: closes it if the watch is still open {@code timeout} from now. */
    public Watch watch(Closeable target, Duration timeout) {
        Watch w = new Watch(Objects.requireNonNull(target, "target"), ticker.getAsLong() + timeout.toNanos());
        watches.add(w);
        if (asleep) {
            LockSupport.unpark(sweeper);
        }
        return w;
    }

    /** Closes every watched target past its deadline now; returns how many. */
    int sweep() {
        long now = ticker.getAsLong();
        int closed = 0;
        for (Watch w : watches) {
            if (now - w.deadline >= 0 && watches.remove(w)) {
                w.fired = true;
                try {
                    w.target.close();
                } catch (IOException | RuntimeException e) {
                    // the read fails or has ended either way; nothing else to do
                }
                closed++;
            }
        }
        return closed;
    }

    /** How many reads are watched now. */
    int watched() {
        return watches.size();
    }

    private void run() {
        long idleSince = ticker.getAsLong();
        while (true) {
            if (!watches.isEmpty()) {
                sweep();
                idleSince = ticker.getAsLong();
            } else if (ticker.getAsLong() - idleSince > IDLE.toNanos()) {
                asleep = true;
                if (watches.isEmpty()) { // a registration after this check sees asleep and unparks
                    LockSupport.park(this);
                }
                asleep = false;
                idleSince = ticker.getAsLong();
                continue;
            }
            LockSupport.parkNanos(this, TICK.toNanos());
        }
    }
}
