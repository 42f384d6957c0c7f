package dev.bastion.gateway.pipeline;

import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.usage.UsageRepository;
import dev.bastion.store.usage.UsageRepository.Usage;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Stage 9 (usage part): counts requests and tokens per key, tenant, model and UTC day in memory and writes them to
 * the store in batches ({@link #flush()}, called every second by the server and at shutdown), so no request waits
 * on a database write. A failed write keeps the counts for the next flush; a killed process loses at most the last
 * second of counts. Thread-safe.
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());

    private final UsageRepository repository;
    private final Clock clock;
    /** Recorders hold the read lock while adding; flush takes the write lock to swap maps, so no add is lost. */
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private ConcurrentHashMap<Bucket, AtomicLongArray> pending = new ConcurrentHashMap<>();

    private record Bucket(LocalDate day, String tenant, String keyId, String model) {
    }

    public UsageRecorder(UsageRepository repository, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void record(ApiKey key, String model, long promptTokens, long completionTokens) {
        Bucket bucket = new Bucket(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), key.tenant(), key.id(), model);
        swap.readLock().lock();
        try {
            AtomicLongArray counts = pending.computeIfAbsent(bucket, b -> new AtomicLongArray(3));
            counts.incrementAndGet(0);
            counts.addAndGet(1, Math.max(0, promptTokens));
            counts.addAndGet(2, Math.max(0, completionTokens));
        } finally {
            swap.readLock().unlock();
        }
    }

    /** Writes pending counts to the store; on failure they are kept for the next call. */
    public synchronized void flush() {
        ConcurrentHashMap<Bucket, AtomicLongArray> batch;
        swap.writeLock().lock();
        try {
            batch = pending;
            if (batch.isEmpty()) {
                return;
            }
            pending = new ConcurrentHashMap<>();
        } finally {
            swap.writeLock().unlock();
        }
        List<Usage> rows = new ArrayList<>(batch.size());
        for (Map.Entry<Bucket, AtomicLongArray> e : batch.entrySet()) {
            Bucket b = e.getKey();
            AtomicLongArray c = e.getValue();
            rows.add(new Usage(b.day(), b.tenant(), b.keyId(), b.model(), c.get(0), c.get(1), c.get(2)));
        }
        try {
            repository.addUsage(rows);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing usage counters failed (" + e.getClass().getSimpleName()
                    + "); they are kept and retried at the next flush");
            swap.readLock().lock();
            try {
                for (Usage u : rows) {
                AtomicLongArray counts = pending.computeIfAbsent(new Bucket(u.day(), u.tenant(), u.keyId(), u.model()),
                        b -> new AtomicLongArray(3));
                counts.addAndGet(0, u.requests());
                counts.addAndGet(1, u.promptTokens());
                counts.addAndGet(2, u.completionTokens());
                }
            } finally {
                swap.readLock().unlock();
            }
        }
    }
}
