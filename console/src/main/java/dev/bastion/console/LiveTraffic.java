package dev.bastion.console;

import dev.bastion.gateway.pipeline.TrafficListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans request metadata out to the live-traffic streams of the console. The gateway calls {@link #recorded} on its
 * audit writer thread; that call only offers the event to each subscriber's own bounded buffer and returns, so a
 * slow or stalled browser never holds the gateway: when a buffer is full its oldest event is dropped and counted,
 * and the stream tells its browser how many it lost. Each subscriber sees only events its viewer may see and its
 * filters match. Thread-safe.
 */
final class LiveTraffic implements TrafficListener {
    /** Events held per subscriber; beyond this the oldest is dropped. */
    static final int BUFFER = 256;
    /** Streams open at once; more are refused with 503. */
    static final int MAX_SUBSCRIBERS = 32;

    /** Which events a stream wants, besides what its viewer may see; an empty filter matches everything. */
    record Filter(Optional<String> tenant, Optional<String> model, Optional<String> decision) {
        Filter {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(decision, "decision");
        }

        boolean matches(Event e) {
            return tenant.map(t -> e.tenant().map(t::equals).orElse(false)).orElse(true)
                    && model.map(m -> e.model().map(m::equals).orElse(false)).orElse(true)
                    && decision.map(d -> e.decision().orElse("none").equals(d)).orElse(true);
        }
    }

    /** What a stream takes at once: the events waiting, and how many were dropped before them since last time. */
    record Batch(List<Event> events, long dropped) {
        Batch {
            events = List.copyOf(events);
        }
    }

    /** One open stream's buffer. Closed by the stream when its browser goes away. */
    final class Subscriber implements AutoCloseable {
        private final Viewer viewer;
        private final Filter filter;
        private final ArrayDeque<Event> buffer = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private long dropped;

        private Subscriber(Viewer viewer, Filter filter) {
            this.viewer = viewer;
            this.filter = filter;
        }

        private void offer(Event e) {
            if (!viewer.sees(e.tenant()) || !filter.matches(e)) {
                return;
            }
            lock.lock();
            try {
                if (buffer.size() >= BUFFER) {
                    buffer.pollFirst();
                    dropped++;
                }
                buffer.addLast(e);
                arrived.signal();
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code wait} for events; everything buffered (maybe nothing) and the drops since last time. */
        Batch take(Duration wait) throws InterruptedException {
            lock.lock();
            try {
                long nanos = wait.toNanos();
                while (buffer.isEmpty() && nanos > 0) {
                    nanos = arrived.awaitNanos(nanos);
                }
                Batch batch = new Batch(List.copyOf(buffer), dropped);
                buffer.clear();
                dropped = 0;
                return batch;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

    /** A new stream for {@code viewer}, or empty when {@link #MAX_SUBSCRIBERS} are open already. */
    synchronized Optional<Subscriber> subscribe(Viewer viewer, Filter filter) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return Optional.empty();
        }
        Subscriber s = new Subscriber(viewer, filter);
        subscribers.add(s);
        return Optional.of(s);
    }

    int subscribers() {
        return subscribers.size();
    }

    @Override
    public void recorded(Event event) {
        for (Subscriber s : subscribers) {
            s.offer(event);
        }
    }
}
