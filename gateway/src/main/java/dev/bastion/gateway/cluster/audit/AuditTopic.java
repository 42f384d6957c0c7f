package dev.bastion.gateway.cluster.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;

/**
 * The audit topic's wire format and its two topics. Replicas write {@value #RECORDS}: one partition, so one order
 * for everything, kept forever (a sequencer rebuilds the tree from its start). The sequencer writes the checkpoints
 * it signs to {@value #CHECKPOINTS}, in Kafka transactions, where its successor and any witness read them.
 *
 * <p>A message is one audit record exactly as the sending replica's own log holds it (never prompt or answer text:
 * the record carries none). Its key is the node id, and three headers name it: {@value #NODE} (node id), {@value #LOG}
 * (the key id of the replica's local log, so a node id reused with a fresh data directory is a new sender) and
 * {@value #SEQUENCE} (the record's index in that local log, 8 bytes big-endian): the node sequence that duplicates
 * are recognised by.
 */
public final class AuditTopic {
    /** The records topic. */
    public static final String RECORDS = "bastion-audit";
    /** The sequencer's signed checkpoints. */
    public static final String CHECKPOINTS = "bastion-audit-checkpoints";
    static final String NODE = "bastion-node";
    static final String LOG = "bastion-log";
    static final String SEQUENCE = "bastion-seq";
    /** The one partition of the records topic. */
    static final TopicPartition PARTITION = new TopicPartition(RECORDS, 0);
    static final TopicPartition CHECKPOINT_PARTITION = new TopicPartition(CHECKPOINTS, 0);

    /**
     * Kafka's clients log their whole configuration and every connection at INFO (through SLF4J to
     * java.util.logging here); only their warnings reach Bastion's log. Held here because JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger KAFKA_LOGS = java.util.logging.Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_LOGS.setLevel(java.util.logging.Level.WARNING);
    }

    private AuditTopic() {
    }

    /**
     * One message of the records topic, as the sequencer reads it.
     *
     * @param sender node id and local log id together: who sent it
     * @param sequence the record's index in the sender's local log
     * @param record the record bytes
     * @param offset where it is in the topic
     */
    record Message(String sender, long sequence, byte[] record, long offset) {
        Message {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(record, "record");
            if (sequence < 0 || offset < 0) {
                throw new IllegalArgumentException("a sequence and an offset are never negative");
            }
        }

        /** The message at {@code r}, or empty when it lacks a header (not written by a Bastion replica). */
        static Optional<Message> of(ConsumerRecord<byte[], byte[]> r) {
            Optional<String> node = header(r, NODE).map(b -> new String(b, StandardCharsets.UTF_8));
            Optional<String> log = header(r, LOG).map(b -> new String(b, StandardCharsets.UTF_8));
            Optional<byte[]> seq = header(r, SEQUENCE).filter(b -> b.length == Long.BYTES);
            if (node.isEmpty() || log.isEmpty() || seq.isEmpty() || r.value() == null) {
                return Optional.empty();
            }
            long sequence = ByteBuffer.wrap(seq.get()).getLong();
            if (sequence < 0) {
                return Optional.empty();
            }
            return Optional.of(new Message(node.get() + "/" + log.get(), sequence, r.value(), r.offset()));
        }
    }

    /** The message a replica sends for record {@code index} of its local log. */
    static ProducerRecord<byte[], byte[]> message(String nodeId, String logId, long index, byte[] record) {
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> m = new ProducerRecord<>(RECORDS, 0, node, record);
        m.headers().add(NODE, node);
        m.headers().add(LOG, logId.getBytes(StandardCharsets.UTF_8));
        m.headers().add(SEQUENCE, ByteBuffer.allocate(Long.BYTES).putLong(index).array());
        return m;
    }

    private static Optional<byte[]> header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(h.value());
    }

    /**
     * Creates both topics if they are missing: one partition each, kept forever, with as many replicas as there are
     * brokers, up to three (and min.insync.replicas one less, at least one).
     *
     * @throws IllegalStateException naming the bootstrap servers when Kafka does not answer within {@code timeout}
     */
    static void ensure(String bootstrap, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            short replicas = (short) Math.max(1, Math.min(3, brokers));
            Map<String, String> configs = Map.of("retention.ms", "-1", "retention.bytes", "-1",
                    "min.insync.replicas", Integer.toString(Math.max(1, replicas - 1)), "cleanup.policy", "delete");
            for (String name : List.of(RECORDS, CHECKPOINTS)) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, 1, replicas).configs(configs))).all()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the audit topics on Kafka at " + bootstrap + " ("
                    + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName() + "); check "
                    + "cluster.kafka-bootstrap and that the brokers run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the audit topics", e);
        }
    }
}
