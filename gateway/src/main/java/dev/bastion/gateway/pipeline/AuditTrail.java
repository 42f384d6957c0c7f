package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.watchdog.ReadDeadlines;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 9 (audit part): one record per request in the tamper-evident audit log, and one per admin action.
 *
 * <p>A record says who asked (key id, tenant), what was decided and why (route, the model that answered and where
 * it runs, the decision, finding types and counts from every scanner that ran), and how it ended (status, error
 * code, tokens, latency). It never holds prompt or answer text, matched values, keys or unvalidated names. A
 * request's record is awaited before its answer completes with {@code audit.durability: sync} (the default), or
 * trails it by one group commit with {@code async}; admin records are always awaited. A failed append is logged and
 * counted, and while the log cannot be written requests are refused at admission ({@link #unavailable()}) and the
 * gateway is not ready.
 *
 * <p>On a replica of a cluster with a Kafka audit topic ({@link #replicate}), a record written through this trail
 * counts as written once it is durable in the local log and acknowledged by the topic: an answer waits for both,
 * and a failed send fails the request closed as a failed local write does.
 * Thread-safe.
 */
public final class AuditTrail {
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());

    private static final int INDEXED_REQUESTS = 100_000;

    private final AuditLog log;
    private final Clock clock;
    private final Runnable onFailure;
    private final boolean awaitDurable;
    /** The usage of records queued and not yet durable, by their bytes (each record is unique: id and time). */
    private final Map<java.nio.ByteBuffer, UsageRecorder.Event> usageOf = new java.util.concurrent.ConcurrentHashMap<>();
    /** The replication of a cluster replica, if any; set once at start. */
    private volatile AuditReplication replication;
    /** Usage counted from this log, if it is (a single node, or a replica without a Kafka topic). */
    private volatile UsageRecorder usage;
    /** Acknowledgements of sent records appended through this trail, by record index, until their appends take them. */
    private final Map<Long, java.util.concurrent.CompletableFuture<Void>> acks = new java.util.concurrent.ConcurrentHashMap<>();
    /** Records appended through this trail and not yet durable (records from the inbox are sent, not awaited). */
    private final java.util.Set<java.nio.ByteBuffer> awaited = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Record index of the most recent requests by request id, for explanations. */
    private final Map<String, Long> recent = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > INDEXED_REQUESTS;
                }
            });

    private final java.util.List<TrafficListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public AuditTrail(AuditLog log, Clock clock) {
        this(log, clock, () -> { }, dev.bastion.gateway.config.AuditSettings.Durability.SYNC);
    }

    /**
     * @param onFailure called once for every record that could not be written (for a metric)
     * @param durability whether answers wait for their records ({@link #recordBeforeAnswer(AuditRecord)})
     */
    public AuditTrail(AuditLog log, Clock clock, Runnable onFailure,
            dev.bastion.gateway.config.AuditSettings.Durability durability) {
        this(log, clock, onFailure, durability, dev.bastion.gateway.config.AuditSettings.DEFAULT_COMMIT_WAIT);
    }

    /**
     * @param commitWait with sync durability, how long a group commit may wait for the records of requests in flight
     *     ({@link #expect}; {@code audit.commit-wait})
     */
    public AuditTrail(AuditLog log, Clock clock, Runnable onFailure,
            dev.bastion.gateway.config.AuditSettings.Durability durability, java.time.Duration commitWait) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.awaitDurable = durability == dev.bastion.gateway.config.AuditSettings.Durability.SYNC;
        if (!awaitDurable) {
            log.commitAtMostEvery(ASYNC_COMMIT_INTERVAL); // answers do not wait: gather more records per fsync
        } else {
            log.gatherExpectedFor(commitWait); // answers wait: a commit waits (boundedly) only for records on their way
        }
        this.gathering = awaitDurable && !commitWait.isZero();
    }

    /** Whether group commits wait for the records of requests in flight (sync durability, a non-zero wait). */
    private final boolean gathering;
    /** Requests in flight whose records a group commit may wait for, by request id (ids are the gateway's own). */
    private final Map<String, AuditLog.Expected> coming = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Announces that request {@code requestId} will queue its record soon, so that a group commit may wait for it
     * (sync durability with a non-zero {@code audit.commit-wait}). Its record ({@link #record}) or {@link #settle}
     * ends the announcement; the pipeline settles every request in a {@code finally}, so none is left announced.
     */
    void expect(String requestId) {
        if (gathering) {
            AuditLog.Expected before = coming.put(requestId, log.expect());
            if (before != null) {
                before.close();
            }
        }
    }

    /**
     * Ends request {@code requestId}'s announcement: its record has been queued, or will not come soon (a stream,
     * whose record waits for its end). Nothing happens when it was not announced or is already settled.
     */
    void settle(String requestId) {
        if (gathering) {
            AuditLog.Expected e = coming.remove(requestId);
            if (e != null) {
                e.close();
            }
        }
    }

    /**
     * With {@code audit.durability: async}, the log starts a group commit at most this often: at 1,000 requests/s
     * that is five records per fsync instead of about one, and a crash may lose the records of the last interval.
     */
    public static final java.time.Duration ASYNC_COMMIT_INTERVAL = java.time.Duration.ofMillis(5);

    /** The longest an answer waits for its record to be durable before it is withheld (sync durability). */
    static final java.time.Duration RECORD_WAIT = java.time.Duration.ofSeconds(30);

    /**
     * Records a request whose answer is about to complete: with {@code audit.durability: sync} waits until the
     * record is durable, with {@code async} only queues it.
     *
     * @return false when (sync) the record could not be written: the answer must not go out
     */
    boolean recordBeforeAnswer(AuditRecord r) {
        if (!awaitDurable) {
            record(r);
            return true;
        }
        java.util.concurrent.CompletableFuture<Long> durable = record(r);
        // An untimed wait, given up by the read watchdog after RECORD_WAIT: a timed wait on a virtual thread would
        // schedule, then cancel, a timer task of the carrier pool's delay scheduler, waking its thread twice a
        // request (docs/benchmarks.md, "Gateway overhead", round twelve). Failing this dependent future ends only
        // this wait; the record itself is still written or failed by the log.
        try (var _ = ReadDeadlines.SHARED.watch(() -> durable.completeExceptionally(
                new java.util.concurrent.TimeoutException("no durable record within " + RECORD_WAIT)), RECORD_WAIT)) {
            long index = durable.get();
            dev.bastion.audit.BenchTiming.resumed(index); // bench-only attribution; nothing when off
            return true;
        } catch (java.util.concurrent.ExecutionException failed) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The refusal for an answer withheld because its record could not be written. */
    static ApiError withheld() {
        return ApiError.unavailable("audit_unavailable", "The answer was withheld because its audit record could not "
                + "be written (for example a full disk); retry later.");
    }

    /** Whether records can be written now; while not, the gateway refuses requests and is not ready. */
    public boolean writable() {
        AuditReplication r = replication;
        return log.writable() && (r == null || r.writable());
    }

    /**
     * Fails closed: the refusal for a request while the audit log cannot be written, if it cannot.
     */
    Optional<ApiError> unavailable() {
        if (writable()) {
            return Optional.empty();
        }
        return Optional.of(ApiError.unavailable("audit_unavailable", "The audit log cannot be written right now "
                + "(for example a full disk), so the gateway refuses requests rather than answer them unrecorded; "
                + "it resumes by itself once writing works again. Retry later."));
    }

    /**
     * For the admin endpoints, which are not pipeline stages: refuses while the audit log cannot be written.
     *
     * @throws Refusal 503 {@code audit_unavailable}
     */
    public void requireWritable() {
        unavailable().ifPresent(error -> {
            throw new Refusal(error);
        });
    }

    /**
     * Counts usage from durable records from now on: the log's writer hands {@code usage} each record's usage in
     * index order (records of other processes, from the inbox, carry none).
     */
    public void countUsage(UsageRecorder usage) {
        this.usage = Objects.requireNonNull(usage, "usage");
        log.onDurable(this::durable);
    }

    /**
     * Sends every durable record of the log to {@code replication} from now on, and makes appends through this
     * trail wait for its acknowledgement. Usage is then counted from the topic by the sequencer, not here.
     */
    public void replicate(AuditReplication replication) {
        this.replication = Objects.requireNonNull(replication, "replication");
        log.onDurable(this::durable);
    }

    /** The log's durability listener: on its writer thread, in index order. */
    private void durable(byte[] record, long index) {
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(record);
        UsageRecorder counter = usage;
        if (counter != null) {
            counter.durable(index, Optional.ofNullable(usageOf.remove(key)));
        } else {
            usageOf.remove(key);
        }
        AuditReplication r = replication;
        if (r != null) {
            java.util.concurrent.CompletableFuture<Void> ack = r.send(record, index);
            if (awaited.remove(key)) {
                acks.put(index, ack);
            } else {
                ack.whenComplete((ok, error) -> {
                    if (error != null) {
                        onFailure.run();
                        LOG.log(System.Logger.Level.ERROR, "audit record " + index + " from the inbox could not be "
                                + "sent to the audit topic: " + error.getClass().getSimpleName());
                    }
                });
            }
        }
    }

    /** Queues a request's record (refusals and failures, which send nothing that needs it first). */
    java.util.concurrent.CompletableFuture<Long> record(AuditRecord r) {
        java.time.Instant time = clock.instant();
        byte[] bytes = r.toBytes(time);
        // The same rule counts the record now and, after a crash, when it is read back (UsageRecorder.recover).
        UsageRecorder.Event.of(r, time).ifPresent(u -> usageOf.put(java.nio.ByteBuffer.wrap(bytes), u));
        java.util.concurrent.CompletableFuture<Long> appended = append(bytes, r.facts().requestId());
        settle(r.facts().requestId()); // queued: a group commit waiting for it may go
        return appended.whenComplete((index, error) -> {
            if (error != null) {
                usageOf.remove(java.nio.ByteBuffer.wrap(bytes)); // never durable: never counted
            } else if (!listeners.isEmpty()) {
                tell(index, time, r);
            }
        });
    }

    /**
     * Writes records straight to UTF-8 bytes. A character outside the Basic Multilingual Plane is written as its
     * four UTF-8 bytes, as {@code toString().getBytes(UTF_8)} did (Jackson's byte writer would otherwise escape it
     * as a surrogate pair: the same JSON value, but other bytes in the log).
     */
    static final com.fasterxml.jackson.databind.ObjectWriter RECORD_WRITER = dev.bastion.gateway.api.Json.MAPPER
            .writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    /** The record's JSON as UTF-8, written straight to bytes (the same bytes as {@code json.toString()} in UTF-8). */
    static byte[] bytesOf(ObjectNode json) {
        try {
            return RECORD_WRITER.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e); // a bug: trees always serialise
        }
    }

    /**
     * Tells {@code listener} about every request recorded from now on (metadata only, see {@link TrafficListener}).
     *
     * @return removes the listener
     */
    public Runnable addTrafficListener(TrafficListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    private void tell(long index, java.time.Instant time, AuditRecord r) {
        RequestFacts f = r.facts();
        TrafficListener.Event event = new TrafficListener.Event(index, time, f.requestId(),
                nonEmpty(f.key().map(dev.bastion.store.keys.ApiKey::id)),
                f.key().map(dev.bastion.store.keys.ApiKey::label).orElse(""),
                nonEmpty(f.key().map(dev.bastion.store.keys.ApiKey::tenant)), f.endpoint(), nonEmpty(f.model()),
                nonEmpty(f.servedBy().map(RequestFacts.Served::location)), nonEmpty(f.decision()), r.status(),
                r.latencyMicros(), r.usage().promptTokens(), r.usage().completionTokens());
        for (TrafficListener l : listeners) {
            try {
                l.recorded(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a traffic listener failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** An empty text is no value, as the record's JSON reading counted it. */
    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(v -> !v.isEmpty());
    }

    /** Queues an admin-type record found while serving a request (an abuse flag); not awaited. */
    void note(String requestId, String actorKeyId, String action, String subject) {
        append(adminRecord(clock.instant(), requestId, actorKeyId, action, subject), null);
    }

    /**
     * An admin action: {@code action} such as {@code key.create}, on {@code subject} (a key id), by {@code actor}.
     * Waits until the record is durable (admin actions are rare).
     *
     * @throws Refusal 503 {@code audit_unavailable} when the record could not be written
     */
    public void admin(String requestId, String actorKeyId, String action, String subject) {
        ObjectNode r = adminRecord(clock.instant(), requestId, actorKeyId, action, subject);
        try {
            append(r, null).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new Refusal(ApiError.unavailable("audit_unavailable", "The action was done but its audit record "
                    + "could not be written (for example a full disk); the gateway refuses requests until writing works "
                    + "again."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an audit record", e);
        }
    }

    /** The record of an admin action (also written by the CLI, see {@code CliAudit}). */
    public static ObjectNode adminRecord(java.time.Instant time, String requestId, String actorKeyId, String action,
            String subject) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("v", 1);
        r.put("time", time.toString());
        r.put("type", "admin");
        r.put("request_id", requestId);
        r.put("key_id", actorKeyId);
        r.put("action", action);
        r.put("subject", subject);
        return r;
    }

    private java.util.concurrent.CompletableFuture<Long> append(ObjectNode record, String requestId) {
        return append(record.toString().getBytes(StandardCharsets.UTF_8), requestId);
    }

    private java.util.concurrent.CompletableFuture<Long> append(byte[] record, String requestId) {
        java.util.concurrent.CompletableFuture<Long> appended;
        if (replication == null) {
            appended = log.append(record);
        } else {
            java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(record);
            awaited.add(key);
            appended = log.append(record).whenComplete((index, error) -> {
                if (error != null) {
                    awaited.remove(key);
                }
            }).thenCompose(index -> {
                java.util.concurrent.CompletableFuture<Void> ack = acks.remove(index);
                return ack == null ? java.util.concurrent.CompletableFuture.completedFuture(index)
                        : ack.thenApply(ok -> index);
            });
        }
        return appended.whenComplete((index, error) -> {
            if (error != null) {
                onFailure.run();
                LOG.log(System.Logger.Level.ERROR, "an audit record could not be written: " + error.getClass().getSimpleName());
            } else if (requestId != null) {
                recent.put(requestId, index);
            }
        });
    }

    /**
     * The decision record of a recent request (the last 100,000 are indexed) with its inclusion proof: against the
     * latest signed checkpoint when that covers it, otherwise against the current tree (covered by the next one).
     */
    public java.util.Optional<ObjectNode> explain(String requestId) {
        Long index = recent.get(requestId);
        if (index == null) {
            return java.util.Optional.empty();
        }
        try {
            ObjectNode out = Json.MAPPER.createObjectNode();
            com.fasterxml.jackson.databind.JsonNode record = Json.MAPPER.readTree(log.record(index));
            out.put("request_id", requestId);
            out.put("index", index);
            out.set("record", record);
            com.fasterxml.jackson.databind.node.ArrayNode sentences = out.putArray("explanation");
            Explanation.describe(record).forEach(sentences::add);
            java.util.Optional<dev.bastion.audit.Checkpoint> checkpoint = log.latestCheckpoint().filter(c -> c.size() > index);
            long size = checkpoint.map(dev.bastion.audit.Checkpoint::size).orElse(log.size());
            ObjectNode proof = out.putObject("proof");
            proof.put("tree_size", size);
            proof.put("leaf_hash", java.util.Base64.getEncoder().encodeToString(log.leafHash(index)));
            proof.put("root", java.util.Base64.getEncoder().encodeToString(log.root(size)));
            com.fasterxml.jackson.databind.node.ArrayNode path = proof.putArray("inclusion");
            log.inclusionProof(index, size).forEach(h -> path.add(java.util.Base64.getEncoder().encodeToString(h)));
            if (checkpoint.isPresent()) {
                out.put("checkpoint", checkpoint.get().encode());
            } else {
                out.putNull("checkpoint");
            }
            return java.util.Optional.of(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read audit record " + index, e);
        }
    }

    private static void put(ObjectNode r, String field, String value) {
        if (value == null) {
            r.putNull(field);
        } else {
            r.put(field, value);
        }
    }
}
