package dev.bastion.gateway.cluster.audit;

import dev.bastion.audit.AuditLog;
import dev.bastion.audit.Checkpoint;
import dev.bastion.audit.MerkleTree;
import dev.bastion.crypto.SigningKey;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.SequencerLease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one audit sequencer of a cluster: reads the {@link AuditTopic#RECORDS} topic in offset order, drops duplicates
 * by (sender, node sequence), appends the rest to one RFC 9162 tree ({@link AuditLog} in a directory of its own),
 * signs checkpoints, and projects usage into PostgreSQL.
 *
 * <p>Who may sequence: the holder of the PostgreSQL lease ({@link SequencerLease}), and, among Kafka producers, the
 * latest to initialise the transactional id {@value #TRANSACTIONAL_ID}: starting fences every older sequencer, whose
 * next transaction fails ({@link Outcome.Fenced}), and a sequencer that lost its PostgreSQL session can commit
 * nothing there ({@link Outcome.LeaseLost}). See the block comment inside for why a zombie cannot corrupt the tree.
 *
 * <p>Not thread-safe: {@link #run} runs on one thread; {@link #close} may be called from any.
 */
public final class Sequencer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Sequencer.class.getName());
    static final String TRANSACTIONAL_ID = "bastion-audit-sequencer";
    static final String GROUP_ID = "bastion-audit-sequencer";
    /** The name of the topic offset in the {@code usage_watermark} table (and of the lease). */
    static final String WATERMARK = "kafka:" + AuditTopic.RECORDS;
    /** The origin named in the cluster tree's checkpoints. */
    public static final String ORIGIN = "bastion-cluster";

    /*
     * Why the tree stays one tree. The sequence of leaves is a function of the topic alone: messages in offset
     * order, each (sender, sequence) taken the first time it appears. Every sequencer, current or zombie, computes
     * the same sequence, so the only way two could disagree is a tree file changed behind their backs, which a
     * successor detects before appending: it compares every leaf already in the directory with the topic, and the
     * root at the size of the last checkpoint published in the checkpoints topic (and of the directory's own last
     * checkpoint) with what that checkpoint signed. A zombie (a sequencer that lost its lease while paused) that
     * wakes up may still append a few leaves before its next transaction fails, but they are the same leaves the
     * successor would append, and on one machine the log's file lock keeps the two from writing at once.
     * Usage: the offset in PostgreSQL is committed in the same transaction as the usage rows, on the session that
     * holds the lease, so each message's usage is added exactly once, whoever sequences it.
     */

    /** How a run ended. */
    public sealed interface Outcome {
        /** {@link #close()} was called. */
        record Closed() implements Outcome {
        }

        /** A newer sequencer initialised the transactional id: this one must stop. */
        record Fenced() implements Outcome {
        }

        /** The PostgreSQL session holding the lease ended: this one must stop. */
        record LeaseLost() implements Outcome {
        }

        /** The tree in the directory does not match the topic or the last signed checkpoint: nothing appended. */
        record Mismatch(String problem) implements Outcome {
        }
    }

    /**
     * What the sequencer needs.
     *
     * @param bootstrap Kafka bootstrap servers
     * @param store the PostgreSQL store (usage counters and the lease)
     * @param dir the tree's directory
     * @param key the key that signs the tree's checkpoints
     * @param clock time of the checkpoints
     */
    public record Settings(String bootstrap, Database store, Path dir, SigningKey key, Clock clock) {
        public Settings {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(clock, "clock");
        }
    }

    private final Settings settings;
    private volatile boolean closing;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Progress progress = new Progress();

    /** Counters of a run, for logs and tests. Thread-safe. */
    public static final class Progress {
        private volatile long appended;
        private volatile long duplicates;
        private volatile long treeSize;
        private volatile long offset = -1;
        private volatile boolean leading;

        public long appended() {
            return appended;
        }

        public long duplicates() {
            return duplicates;
        }

        public long treeSize() {
            return treeSize;
        }

        /** The last topic offset committed with its usage; -1 before the first. */
        public long offset() {
            return offset;
        }

        /** Whether this sequencer holds the lease and has checked the tree against the topic. */
        public boolean leading() {
            return leading;
        }
    }

    public Sequencer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The cluster tree's directory in a data directory: apart from the replica's own log in {@code audit/}. */
    public static Path treeDir(Path dataDir) {
        return dataDir.resolve("audit-cluster");
    }

    /** The key that signs the cluster tree's checkpoints; its public half is beside it ({@code .pub}). */
    public static Path keyFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("audit-cluster-signing.key");
    }

    /**
     * {@code bastion audit sequencer}: runs a sequencer from a gateway config (its {@code store}, which must be
     * PostgreSQL, {@code cluster.kafka-bootstrap}, {@code data-dir} and {@code audit.signature-algorithm}), as a
     * standby while another holds the lease, and again as a standby after being fenced or losing the lease, until
     * closed or the tree does not match.
     *
     * @param running told of each sequencer before it runs (to close it from a shutdown hook)
     * @return the outcome that ended it: {@link Outcome.Closed} or {@link Outcome.Mismatch}
     * @throws IllegalArgumentException when {@code cluster.kafka-bootstrap} is not set or the store is not PostgreSQL
     */
    public static Outcome runFromConfig(dev.bastion.gateway.config.GatewayConfig config, Map<String, String> env,
            Clock clock, java.util.function.Consumer<Sequencer> running) {
        String bootstrap = config.cluster().kafkaBootstrap().orElseThrow(() -> new IllegalArgumentException(
                "the audit sequencer reads the Kafka audit topic: set cluster.kafka-bootstrap (host:port)"));
        try (Database store = config.store().open(config.dataDir(), env)) {
            if (!store.isPostgres()) {
                throw new IllegalArgumentException("the audit sequencer needs the replicas' PostgreSQL store (store.url "
                        + "jdbc:postgresql:...): its lease and the usage counters live there");
            }
            SigningKey key = SigningKey.loadOrCreate(keyFile(config.dataDir()), config.audit().signatureAlgorithm());
            while (true) {
                Sequencer sequencer = new Sequencer(new Settings(bootstrap, store, treeDir(config.dataDir()), key, clock));
                running.accept(sequencer);
                Outcome outcome = sequencer.run();
                if (outcome instanceof Outcome.Closed || outcome instanceof Outcome.Mismatch || sequencer.closing) {
                    return outcome;
                }
                LOG.log(System.Logger.Level.INFO, "audit sequencer: " + outcome + "; standing by for the lease");
            }
        }
    }

    public Progress progress() {
        return progress;
    }

    /** Runs until closed, fenced, the lease is lost or the tree does not match; waits for the lease first. */
    public Outcome run() {
        Optional<SequencerLease> acquired = waitForLease();
        if (acquired.isEmpty()) {
            return new Outcome.Closed();
        }
        try (SequencerLease lease = acquired.get()) {
            LOG.log(System.Logger.Level.INFO, "audit sequencer: holding the lease; reading " + AuditTopic.RECORDS
                    + " from its start");
            AuditTopic.ensure(settings.bootstrap(), Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
                producer.initTransactions(); // fences every older sequencer
                Optional<Checkpoint> published = lastPublishedCheckpoint();
                AuditLog tree = openTree();
                Outcome outcome = new Outcome.Closed();
                try (KafkaConsumer<byte[], byte[]> records = recordsConsumer()) {
                    this.consumer = records;
                    if (!closing) {
                        outcome = new Run(lease, producer, records, tree, published).loop();
                    }
                    return outcome;
                } finally {
                    this.consumer = null;
                    if (outcome instanceof Outcome.Mismatch) {
                        tree.closeUnsigned(); // never sign a tree that does not match the topic
                    } else {
                        tree.close();
                    }
                }
            }
        }
    }

    private Optional<SequencerLease> waitForLease() {
        boolean said = false;
        boolean unreachable = false;
        while (!closing) {
            try {
                Optional<SequencerLease> lease = SequencerLease.tryAcquire(settings.store(), WATERMARK);
                if (lease.isPresent()) {
                    return lease;
                }
                if (!said) {
                    LOG.log(System.Logger.Level.INFO, "audit sequencer: another sequencer holds the lease; waiting");
                    said = true;
                }
            } catch (dev.bastion.store.StoreException e) {
                if (!unreachable) { // PostgreSQL down: keep asking, say so once
                    LOG.log(System.Logger.Level.WARNING, "audit sequencer: " + e.getMessage() + "; asking again");
                    unreachable = true;
                }
            }
            sleep(500);
        }
        return Optional.empty();
    }

    /** Opens the tree, waiting while another process on this machine (a zombie about to be fenced) holds it. */
    private AuditLog openTree() {
        while (true) {
            try {
                return AuditLog.open(settings.dir(), settings.key(), ORIGIN, settings.clock(), Integer.MAX_VALUE);
            } catch (AuditLog.WriterBusyException busy) {
                if (closing) {
                    throw busy;
                }
                sleep(500);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> recordsConsumer() {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.assign(List.of(AuditTopic.PARTITION));
        c.seekToBeginning(List.of(AuditTopic.PARTITION));
        return c;
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }

    /** The last checkpoint a sequencer committed to the checkpoints topic, if any. */
    private Optional<Checkpoint> lastPublishedCheckpoint() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.assign(List.of(AuditTopic.CHECKPOINT_PARTITION));
            c.seekToBeginning(List.of(AuditTopic.CHECKPOINT_PARTITION));
            long end = c.endOffsets(List.of(AuditTopic.CHECKPOINT_PARTITION)).get(AuditTopic.CHECKPOINT_PARTITION);
            Optional<Checkpoint> last = Optional.empty();
            while (c.position(AuditTopic.CHECKPOINT_PARTITION) < end && !closing) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    last = Optional.of(Checkpoint.decode(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
            return last;
        }
    }

    /** One leadership: the loop and its state. */
    private final class Run {
        private final SequencerLease lease;
        private final KafkaProducer<byte[], byte[]> producer;
        private final KafkaConsumer<byte[], byte[]> records;
        private final AuditLog tree;
        private final Optional<Checkpoint> published;
        private final Optional<Checkpoint> local;
        private final SeenSequences seen = new SeenSequences();
        private final UsageProjection usage = new UsageProjection();
        private final long committedOffset;
        /** Leaves taken from the topic so far (the ordinal of the next one). */
        private long taken;
        private boolean verified;
        private long lastOffset = -1;
        private long lastLeaseCheck = System.nanoTime();
        private final List<CompletableFuture<Long>> appends = new ArrayList<>();

        Run(SequencerLease lease, KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> records,
                AuditLog tree, Optional<Checkpoint> published) {
            this.lease = lease;
            this.producer = producer;
            this.records = records;
            this.tree = tree;
            this.published = published;
            this.local = tree.latestCheckpoint();
            this.committedOffset = lease.committedOffset(WATERMARK).orElse(-1);
            this.verified = mustReproduce() == 0;
        }

        /** The size up to which the tree must be checked before anything is appended past it. */
        private long mustReproduce() {
            return Math.max(published.map(Checkpoint::size).orElse(0L), local.map(Checkpoint::size).orElse(0L));
        }

        Outcome loop() {
            try {
                if (published.isPresent() && !published.get().verify(settings.key().publicKeyX509())) {
                    return mismatch("the last checkpoint in " + AuditTopic.CHECKPOINTS + " is not signed by this "
                            + "sequencer's key " + settings.key().keyId());
                }
                while (!closing) {
                    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    records.poll(Duration.ofMillis(500)).forEach(batch::add);
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        Optional<Outcome> stop = take(r);
                        if (stop.isPresent()) {
                            return stop.get();
                        }
                    }
                    Optional<Outcome> stop = batch.isEmpty() ? checkLease() : commit();
                    if (stop.isPresent()) {
                        return stop.get();
                    }
                }
                return new Outcome.Closed();
            } catch (WakeupException woken) {
                return new Outcome.Closed();
            } catch (org.apache.kafka.common.KafkaException e) {
                if (!fenced(e)) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "audit sequencer: fenced by a newer sequencer; stopping");
                return new Outcome.Fenced();
            } finally {
                progress.leading = false;
            }
        }

        /** Whether {@code e}, or an exception it wraps, says a newer producer holds the transactional id. */
        private static boolean fenced(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                    return true;
                }
            }
            return false;
        }

        /** One message of the topic: a duplicate, a leaf to check against the tree, or a leaf to append. */
        private Optional<Outcome> take(ConsumerRecord<byte[], byte[]> r) {
            lastOffset = r.offset();
            Optional<AuditTopic.Message> message = AuditTopic.Message.of(r);
            if (message.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "audit sequencer: offset " + r.offset() + " is not a Bastion "
                        + "audit record (missing headers); skipped");
                return Optional.empty();
            }
            AuditTopic.Message m = message.get();
            if (!seen.add(m.sender(), m.sequence())) {
                progress.duplicates++;
                return Optional.empty();
            }
            long ordinal = taken++;
            if (m.offset() > committedOffset) {
                usage.add(m.record());
            }
            if (ordinal < tree.size()) {
                if (!MessageDigest.isEqual(tree.leafHash(ordinal), MerkleTree.leafHash(m.record()))) {
                    return Optional.of(mismatch("record " + ordinal + " of the tree in " + settings.dir()
                            + " differs from the topic's at offset " + m.offset()));
                }
                return Optional.empty();
            }
            if (!verified && ordinal >= mustReproduce()) {
                Optional<Outcome> failed = reproduce();
                if (failed.isPresent()) {
                    return failed;
                }
            }
            appends.add(tree.append(m.record()));
            progress.appended++;
            return Optional.empty();
        }

        /** The successor's check: the rebuilt tree has the last signed roots. */
        private Optional<Outcome> reproduce() {
            awaitAppends();
            for (Optional<Checkpoint> c : List.of(published, local)) {
                if (c.isPresent() && (tree.size() < c.get().size()
                        || !MessageDigest.isEqual(tree.root(c.get().size()), c.get().root()))) {
                    return Optional.of(mismatch("the tree rebuilt from the topic does not reproduce the last signed "
                            + "checkpoint (size " + c.get().size() + ")"));
                }
            }
            verified = true;
            progress.leading = true;
            LOG.log(System.Logger.Level.INFO, "audit sequencer: the tree reproduces the last signed checkpoint (size "
                    + mustReproduce() + "); appending");
            return Optional.empty();
        }

        /** After a batch: records durable, a checkpoint signed and published, usage and offset committed. */
        private Optional<Outcome> commit() {
            awaitAppends();
            if (!verified && taken >= mustReproduce()) {
                Optional<Outcome> failed = reproduce();
                if (failed.isPresent()) {
                    return failed;
                }
            }
            producer.beginTransaction();
            if (verified && tree.latestCheckpoint().map(Checkpoint::size).orElse(0L) < tree.size()) {
                Checkpoint c = tree.checkpoint();
                producer.send(new ProducerRecord<>(AuditTopic.CHECKPOINTS, 0, null,
                        c.encode().getBytes(StandardCharsets.UTF_8)));
            }
            producer.sendOffsetsToTransaction(Map.of(AuditTopic.PARTITION, new OffsetAndMetadata(lastOffset + 1)),
                    records.groupMetadata());
            producer.commitTransaction();
            if (lastOffset > committedOffset) {
                try {
                    lease.commit(usage.drain(), WATERMARK, lastOffset);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "audit sequencer: cannot commit usage on the lease's session ("
                            + e.getClass().getSimpleName() + "); stopping");
                    return Optional.of(new Outcome.LeaseLost());
                }
            }
            progress.treeSize = tree.size();
            progress.offset = lastOffset;
            lastLeaseCheck = System.nanoTime();
            return Optional.empty();
        }

        /**
         * While idle, once a second: an empty Kafka transaction (the consumed offset again), which fails when a newer
         * sequencer has fenced this one, then a look at the lease's PostgreSQL session.
         */
        private Optional<Outcome> checkLease() {
            if (verified) {
                progress.leading = true;
            }
            if (System.nanoTime() - lastLeaseCheck < 1_000_000_000L) {
                return Optional.empty();
            }
            lastLeaseCheck = System.nanoTime();
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(AuditTopic.PARTITION, new OffsetAndMetadata(lastOffset + 1)),
                    records.groupMetadata());
            producer.commitTransaction();
            if (!lease.held()) {
                LOG.log(System.Logger.Level.WARNING, "audit sequencer: the lease's PostgreSQL session ended; stopping");
                return Optional.of(new Outcome.LeaseLost());
            }
            return Optional.empty();
        }

        private void awaitAppends() {
            for (CompletableFuture<Long> a : appends) {
                a.join(); // a failed write is an exception: the run ends, unsequenced records are taken again
            }
            appends.clear();
        }

        private Outcome mismatch(String problem) {
            LOG.log(System.Logger.Level.ERROR, "audit sequencer: " + problem + "; nothing appended. Run "
                    + "'bastion audit verify' on " + settings.dir());
            return new Outcome.Mismatch(problem);
        }
    }

    /** Stops a run: it returns {@link Outcome.Closed} after its current batch. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
