package dev.bastion.gateway.cluster.audit;

import dev.bastion.gateway.pipeline.AuditReplication;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A replica's sender of audit records to the {@link AuditTopic#RECORDS} topic: an idempotent producer with
 * {@code acks=all}, so a record is acknowledged only once every in-sync replica of the partition has it, and the
 * producer's own retries never write it twice. Records are handed over by the local log's writer in index order and
 * sent in that order by one thread of this class (a send may block while the producer fetches metadata; the log's
 * writer never does).
 *
 * <p>A request waits for its record's acknowledgement (through {@code AuditTrail}); a send that fails (Kafka
 * unreachable for {@value #DELIVERY_TIMEOUT_MS} ms, a partition without enough in-sync replicas) fails the request
 * closed, and for the next second ({@link #writable()} false) requests are refused at admission without trying.
 * Thread-safe.
 */
public final class KafkaAuditProducer implements AuditReplication {
    private static final System.Logger LOG = System.getLogger(KafkaAuditProducer.class.getName());
    /** How long a record may take to be acknowledged, retries included; under the trail's 30 s wait. */
    static final int DELIVERY_TIMEOUT_MS = 20_000;

    private final Producer<byte[], byte[]> producer;
    private final String nodeId;
    private final String logId;
    private final ExecutorService sender;
    /** {@link System#nanoTime()} of the last failed send; 0: none yet. */
    private volatile long failedAt;
    private volatile boolean failing;

    KafkaAuditProducer(Producer<byte[], byte[]> producer, String nodeId, String logId) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.logId = Objects.requireNonNull(logId, "logId");
        this.sender = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("bastion-audit-kafka")
                .unstarted(r));
    }

    /**
     * Connects to Kafka at {@code bootstrap}, creating the audit topics if they are missing.
     *
     * @param nodeId this replica's node id ({@code cluster.node-id})
     * @param logId the key id of this replica's local audit log
     * @throws IllegalStateException when Kafka does not answer within 15 s: the gateway does not start
     */
    public static AuditReplication start(String bootstrap, String nodeId, String logId) {
        AuditTopic.ensure(bootstrap, Duration.ofSeconds(15));
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "bastion-audit-" + nodeId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer());
        LOG.log(System.Logger.Level.INFO, "audit: sending records to the Kafka topic " + AuditTopic.RECORDS + " at "
                + bootstrap + " as node " + nodeId);
        return new KafkaAuditProducer(producer, nodeId, logId);
    }

    @Override
    public CompletableFuture<Void> send(byte[] record, long index) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    producer.send(AuditTopic.message(nodeId, logId, index, record), (metadata, error) -> {
                        if (error == null) {
                            recovered();
                            acked.complete(null);
                        } else {
                            failed(index, error);
                            acked.completeExceptionally(error);
                        }
                    });
                } catch (RuntimeException e) {
                    failed(index, e);
                    acked.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            acked.completeExceptionally(new IllegalStateException("the audit topic producer is closed"));
        }
        return acked;
    }

    private void failed(long index, Throwable error) {
        failedAt = System.nanoTime();
        if (!failing) {
            failing = true;
            LOG.log(System.Logger.Level.WARNING, "audit: record " + index + " could not be sent to the Kafka topic ("
                    + error.getClass().getSimpleName() + "); requests fail closed until sends succeed again");
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "audit: the Kafka topic acknowledges records again");
        }
    }

    @Override
    public boolean writable() {
        return !failing || System.nanoTime() - failedAt > 1_000_000_000L;
    }

    /** Sends what was handed over, waits up to 10 s for acknowledgements, and closes the producer. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
