package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.gateway.api.Json;
import dev.bastion.store.usage.UsageRepository;
import dev.bastion.store.usage.UsageRepository.Usage;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Usage per key, tenant, model and UTC day, counted from the audit log: a request's usage is added when its audit
 * record is durable ({@link #durable}, called by the log's writer in index order), so an answered request's usage
 * is as durable as its record. Counters are written to the store in batches ({@link #flush()}, every second and at
 * shutdown) together with the audit watermark, the index of the last record they include, in one transaction (one
 * mark per audit log, named by its signing key, so replicas sharing a database keep their own). After
 * a crash, {@link #recover} counts the records past the watermark again: each request is counted exactly once,
 * whenever the process was killed. No request waits on a database write. Thread-safe.
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());

    private final UsageRepository repository;
    /** Adders hold the read lock; flush takes the write lock to swap maps and read the watermark together. */
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private ConcurrentHashMap<Bucket, AtomicLongArray> pending = new ConcurrentHashMap<>();
    /** Index of the last durable audit record whose usage is in {@link #pending} or written; -1: none yet. */
    private volatile long watermark = -1;
    /** The audit log counted from (its signing key's id), once {@link #recover} named it. */
    private volatile String logId;

    private record Bucket(LocalDate day, String tenant, String keyId, String model) {
    }

    /** One request's usage, as its audit record carries it. */
    public record Event(LocalDate day, String tenant, String keyId, String model, long promptTokens, long completionTokens) {
        public Event {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(model, "model");
            if (promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("negative token count");
            }
        }

        /**
         * The usage a request record counts for: one with a key, a declared model and tokens; else empty. The audit
         * sequencer counts the records of the Kafka topic by the same rule.
         */
        public static Optional<Event> of(JsonNode record) {
            return of(record, () -> Instant.parse(record.path("time").asText()));
        }

        /**
         * The same rule for a request record not yet written ({@link AuditRecord#toBytes}), read from its values:
         * its JSON has a textual {@code key_id} and {@code tenant} exactly when it has a key, a textual
         * {@code model} exactly when it has a model, and the usage's token counts ({@code UsageFromAuditTest}
         * compares both readings).
         */
        static Optional<Event> of(AuditRecord record, Instant time) {
            RequestFacts facts = record.facts();
            if (facts.key().isEmpty() || facts.model().isEmpty()) {
                return Optional.empty();
            }
            long prompt = record.usage().promptTokens();
            long completion = record.usage().completionTokens();
            if (prompt <= 0 && completion <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Event(LocalDate.ofInstant(time, ZoneOffset.UTC), facts.key().get().tenant(),
                    facts.key().get().id(), facts.model().get(), prompt, completion));
        }

        private static Optional<Event> of(JsonNode record, java.util.function.Supplier<Instant> time) {
            if (!"request".equals(record.path("type").asText()) || !record.path("key_id").isTextual()
                    || !record.path("tenant").isTextual() || !record.path("model").isTextual()) {
                return Optional.empty();
            }
            long prompt = record.path("prompt_tokens").asLong(0);
            long completion = record.path("completion_tokens").asLong(0);
            if (prompt <= 0 && completion <= 0) {
                return Optional.empty();
            }
            LocalDate day = LocalDate.ofInstant(time.get(), ZoneOffset.UTC);
            return Optional.of(new Event(day, record.path("tenant").asText(), record.path("key_id").asText(),
                    record.path("model").asText(), Math.max(0, prompt), Math.max(0, completion)));
        }
    }

    public UsageRecorder(UsageRepository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /**
     * Counts the records past the stored watermark (those a killed process had not written), then writes them with
     * the new watermark. On a store that has never counted from the log (a new one, or one from before usage was
     * counted this way) the mark is set to the end of the log without counting: its usage is already in the store.
     */
    public void recover(AuditLog log) {
        logId = log.keyId();
        long size = log.size();
        OptionalLong stored = repository.auditWatermark(logId);
        if (stored.isEmpty()) {
            watermark = size - 1;
            flush();
            return;
        }
        int counted = 0;
        for (long i = stored.getAsLong() + 1; i < size; i++) {
            try {
                Optional<Event> event = Event.of(Json.MAPPER.readTree(log.record(i)));
                if (event.isPresent()) {
                    add(event.get());
                    counted++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "audit record " + i + " could not be read for usage ("
                        + e.getClass().getSimpleName() + "); skipped");
            }
        }
        watermark = Math.max(watermark, size - 1);
        if (counted > 0) {
            LOG.log(System.Logger.Level.INFO, "usage: counted " + counted + " requests recorded after the last write "
                    + "of the counters (the previous run did not stop cleanly)");
        }
        flush();
    }

    /** Called by the audit log's writer for every durable record, in index order; {@code event} is its usage. */
    void durable(long index, Optional<Event> event) {
        swap.readLock().lock();
        try {
            event.ifPresent(this::addLocked);
            watermark = index;
        } finally {
            swap.readLock().unlock();
        }
    }

    private void add(Event e) {
        swap.readLock().lock();
        try {
            addLocked(e);
        } finally {
            swap.readLock().unlock();
        }
    }

    private void addLocked(Event e) {
        addLocked(new Bucket(e.day(), e.tenant(), e.keyId(), e.model()), 1, e.promptTokens(), e.completionTokens());
    }

    /** Adds to a bucket's counters; the caller holds the read lock. */
    private void addLocked(Bucket bucket, long requests, long promptTokens, long completionTokens) {
        AtomicLongArray counts = pending.computeIfAbsent(bucket, b -> new AtomicLongArray(3));
        counts.addAndGet(0, requests);
        counts.addAndGet(1, promptTokens);
        counts.addAndGet(2, completionTokens);
    }

    /** Writes pending counts and the watermark to the store; on failure they are kept for the next call. */
    public synchronized void flush() {
        if (logId == null) { // recover(log) names the log; nothing can be written before
            if (!pending.isEmpty()) {
                throw new IllegalStateException("usage is counted from an audit log: call recover(log) first");
            }
            return;
        }
        ConcurrentHashMap<Bucket, AtomicLongArray> batch;
        long mark;
        swap.writeLock().lock();
        try {
            batch = pending;
            mark = watermark;
            pending = new ConcurrentHashMap<>();
        } finally {
            swap.writeLock().unlock();
        }
        if (mark < 0 && batch.isEmpty()) {
            return;
        }
        List<Usage> rows = new ArrayList<>(batch.size());
        for (Map.Entry<Bucket, AtomicLongArray> e : batch.entrySet()) {
            Bucket b = e.getKey();
            AtomicLongArray c = e.getValue();
            rows.add(new Usage(b.day(), b.tenant(), b.keyId(), b.model(), c.get(0), c.get(1), c.get(2)));
        }
        try {
            repository.addUsage(rows, logId, mark);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing usage counters failed (" + e.getClass().getSimpleName()
                    + "); they are kept and retried at the next flush");
            swap.readLock().lock();
            try {
                for (Usage u : rows) {
                    addLocked(new Bucket(u.day(), u.tenant(), u.keyId(), u.model()), u.requests(), u.promptTokens(),
                            u.completionTokens());
                }
            } finally {
                swap.readLock().unlock();
            }
        }
    }
}
