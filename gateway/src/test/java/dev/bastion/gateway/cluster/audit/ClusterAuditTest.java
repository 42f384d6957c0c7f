package dev.bastion.gateway.cluster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.audit.AuditReader;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.gateway.testing.TestKafka;
import dev.bastion.store.keys.Role;
import dev.bastion.store.testing.PostgresSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway replicas in this JVM on one PostgreSQL schema send their audit records to a Kafka broker (a child
 * JVM, {@link TestKafka}); sequencers run in child JVMs of their own ({@link SequencerChild}) so that one can be
 * killed with SIGKILL. The cluster tree must hold each completed request once, verify, and the usage in PostgreSQL
 * must equal what the clients received.
 */
class ClusterAuditTest {
    private static final int REQUESTS = 600;
    private static final int KILL_AFTER = 200;
    private static final long TOKENS_PER_REQUEST = 18; // the fake upstream: 11 prompt + 7 completion tokens

    @TempDir
    Path dir;

    private record Replicas(List<TestGateway> all) implements AutoCloseable {
        static Replicas start(Path dir, PostgresSchema schema, String kafka, FakeUpstream upstream) throws Exception {
            List<TestGateway> all = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Path home = dir.resolve("replica-" + i);
                    Files.createDirectories(home.resolve("data/keys"));
                    if (i > 0) { // one API-key hashing keyset and admin key for all
                        Path first = dir.resolve("replica-0/data");
                        Files.copy(first.resolve("keys/api-key-hash.json"), home.resolve("data/keys/api-key-hash.json"));
                        Files.copy(first.resolve("admin.key"), home.resolve("data/admin.key"));
                    }
                    all.add(TestGateway.start(home, storeYaml(schema) + "cluster:\n  node-id: replica-" + i
                            + "\n  kafka-bootstrap: \"" + kafka + "\"\nabuse:\n  min-requests: 0\nmodels:\n"
                            + TestGateway.model("m", upstream, "local").replace("read-timeout: 2s", "read-timeout: 20s"),
                            Map.of("PG_TEST_PASSWORD", schema.password())));
                }
                return new Replicas(List.copyOf(all));
            } catch (RuntimeException e) {
                all.forEach(TestGateway::close);
                throw e;
            }
        }

        TestGateway get(int i) {
            return all.get(i % all.size());
        }

        @Override
        public void close() {
            all.forEach(TestGateway::close);
        }
    }

    static String storeYaml(PostgresSchema schema) {
        return "store:\n  url: \"" + schema.scopedUrl() + "\"\n  username: " + schema.user()
                + "\n  password-env: PG_TEST_PASSWORD\n";
    }

    @Test
    void aSequencerKilledAndReplacedMidRunLeavesOneVerifiableTreeWithEachCompletedRequestOnce() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (TestKafka kafka = TestKafka.start(dir.resolve("kafka")); FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, kafka.bootstrap(), upstream)) {
            Path home = Files.createDirectories(dir.resolve("sequencer"));
            Path config = home.resolve("bastion.yaml");
            Files.writeString(config, storeYaml(schema) + "cluster:\n  kafka-bootstrap: \"" + kafka.bootstrap() + "\"\n");
            Path data = home.resolve("data");
            List<SequencerProcess> sequencers = new ArrayList<>();
            try {
                SequencerProcess first = SequencerProcess.start(config, data, "a", schema.password());
                sequencers.add(first);
                first.awaitLeading(60_000);
                String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"));

                // Clients spread over the three replicas; the first sequencer is killed after KILL_AFTER answers.
                Map<String, Integer> servedBy = new ConcurrentHashMap<>();
                Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
                AtomicInteger next = new AtomicInteger();
                AtomicInteger answered = new AtomicInteger();
                AtomicLong tokens = new AtomicLong();
                long started = System.nanoTime();
                try (ExecutorService clients = Executors.newFixedThreadPool(12)) {
                    for (int c = 0; c < 12; c++) {
                        clients.submit(() -> {
                            for (int i; (i = next.getAndIncrement()) < REQUESTS;) {
                                TestGateway.Reply r = replicas.get(i).post("/v1/chat/completions", key,
                                        TestGateway.chat("m", "question " + i, false));
                                statuses.merge(r.status(), 1, Integer::sum);
                                if (r.status() == 200) {
                                    servedBy.put(r.header("x-request-id").orElseThrow(), i % 3);
                                    tokens.addAndGet(r.json().at("/usage/total_tokens").asLong());
                                    answered.incrementAndGet();
                                }
                            }
                            return null;
                        });
                    }
                    while (answered.get() < KILL_AFTER) {
                        Thread.sleep(5);
                    }
                    first.kill();
                    System.out.printf("cluster audit: sequencer a killed (SIGKILL) after %d answers%n", answered.get());
                    SequencerProcess second = SequencerProcess.start(config, data, "b", schema.password());
                    sequencers.add(second);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("cluster audit: %d requests over 3 replicas in %.1f s, statuses %s%n", REQUESTS, seconds,
                        statuses);
                SequencerProcess second = sequencers.getLast();
                long leadStart = System.nanoTime();
                second.awaitLeading(60_000);
                System.out.printf("cluster audit: sequencer b leading %d ms after the run ended%n",
                        (System.nanoTime() - leadStart) / 1_000_000);

                int resent = resend(kafka.bootstrap(), 5); // a producer's retry, simulated
                long end = endOffset(kafka.bootstrap());
                long waitStart = System.nanoTime();
                while (committedOffset(schema).orElse(-1L) < end - 1) {
                    assertThat(System.nanoTime() - waitStart).as("sequencer b catches up:\n" + second.output())
                            .isLessThan(60_000_000_000L);
                    Thread.sleep(50);
                }
                System.out.printf("cluster audit: sequencer b committed offset %d (the topic's end) %d ms later%n", end - 1,
                        (System.nanoTime() - waitStart) / 1_000_000);
                second.stop();
                assertThat(second.output()).contains("sequencer: ended Closed");

                Path tree = Sequencer.treeDir(data);
                Verifier.Report report = Verifier.verify(tree, Verifier.readPublicKey(
                        Path.of(Sequencer.keyFile(data) + ".pub")), Optional.empty());
                System.out.printf("cluster audit: verify: %d records, %d checkpoints, problems %s, notes %s%n",
                        report.records(), report.checkpoints(), report.problems(), report.notes());
                assertThat(report.problems()).isEmpty();
                assertThat(report.checkpoints()).isGreaterThan(1);

                Map<String, Integer> inTree = new HashMap<>();
                AuditReader reader = AuditReader.open(tree);
                for (long i = 0; i < reader.size(); i++) {
                    JsonNode r = Json.MAPPER.readTree(reader.record(i));
                    if ("request".equals(r.path("type").asText())) {
                        inTree.merge(r.path("request_id").asText(), 1, Integer::sum);
                    }
                }
                assertThat(statuses).containsOnlyKeys(200);
                assertThat(inTree.values()).as("each request once").containsOnly(1);
                assertThat(inTree.keySet()).containsAll(servedBy.keySet());
                assertThat(Set.copyOf(servedBy.values())).containsExactlyInAnyOrder(0, 1, 2);
                System.out.printf("cluster audit: the tree holds %d records, %d requests, each once; %d resent records "
                        + "dropped as duplicates%n", reader.size(), inTree.size(), resent);

                long[] usage = usage(schema);
                System.out.printf("cluster audit: usage in PostgreSQL: %d requests, %d tokens; clients received %d "
                        + "answers, %d tokens%n", usage[0], usage[1], answered.get(), tokens.get());
                assertThat(usage[0]).isEqualTo(answered.get());
                assertThat(usage[1]).isEqualTo(tokens.get()).isEqualTo(TOKENS_PER_REQUEST * answered.get());
            } finally {
                sequencers.forEach(SequencerProcess::close);
            }
        } finally {
            schema.drop();
        }
    }

    @Test
    void withKafkaGoneAnAnswerIsWithheldAsWhenTheLocalAuditLogCannotBeWritten() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        TestKafka kafka = TestKafka.start(dir.resolve("kafka"));
        try (kafka; FakeUpstream upstream = FakeUpstream.start();
                TestGateway replica = TestGateway.start(Files.createDirectories(dir.resolve("replica")), storeYaml(schema)
                        + "cluster:\n  node-id: lonely\n  kafka-bootstrap: \"" + kafka.bootstrap() + "\"\nmodels:\n"
                        + TestGateway.model("m", upstream, "local"), Map.of("PG_TEST_PASSWORD", schema.password()))) {
            String key = replica.createKey(Role.USER, "t", List.of("*"));
            assertThat(replica.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status())
                    .isEqualTo(200);
            kafka.close();
            long started = System.nanoTime();
            TestGateway.Reply withheld = replica.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false));
            long millis = (System.nanoTime() - started) / 1_000_000;
            TestGateway.Reply next = replica.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false));
            System.out.printf("cluster audit: with the broker stopped, the answer was withheld after %d ms (%d %s); "
                    + "the next request: %d%n", millis, withheld.status(), withheld.json().at("/error/code").asText(),
                    next.status());
            assertThat(withheld.status()).isEqualTo(503);
            assertThat(withheld.body()).contains("audit_unavailable");
            assertThat(next.status()).as("refused: at admission for a second after a failed send, or withheld again").isEqualTo(503);
            assertThat(next.body()).contains("audit_unavailable");
        } finally {
            schema.drop();
        }
    }

    /** Sends the first {@code n} messages of the records topic again, headers and all; returns how many. */
    static int resend(String bootstrap, int n) {
        List<ConsumerRecord<byte[], byte[]>> first = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(AuditTopic.PARTITION));
            c.seekToBeginning(List.of(AuditTopic.PARTITION));
            while (first.size() < n) {
                c.poll(Duration.ofMillis(500)).forEach(first::add);
            }
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> r : first.subList(0, n)) {
                p.send(new ProducerRecord<>(AuditTopic.RECORDS, 0, r.key(), r.value(), r.headers()));
            }
            p.flush();
        }
        return n;
    }

    static long endOffset(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return c.endOffsets(List.of(AuditTopic.PARTITION)).get(AuditTopic.PARTITION);
        }
    }

    static Optional<Long> committedOffset(PostgresSchema schema) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.scopedUrl(), schema.user(), schema.password());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT audit_index FROM usage_watermark WHERE log_id = '"
                        + Sequencer.WATERMARK + "'")) {
            return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
        }
    }

    /** Requests and tokens (prompt plus completion) in the usage counters. */
    static long[] usage(PostgresSchema schema) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.scopedUrl(), schema.user(), schema.password());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT coalesce(sum(requests), 0), "
                        + "coalesce(sum(prompt_tokens + completion_tokens), 0) FROM usage_counters")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }
}
