package dev.bastion.gateway.cluster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditLog;
import dev.bastion.audit.AuditReader;
import dev.bastion.audit.Verifier;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.testing.TestKafka;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.testing.PostgresSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequencers on different machines (data directories of their own, one shared signing key): a paused sequencer
 * whose lease passed to another is fenced when it wakes and commits nothing; a successor with an empty directory
 * rebuilds the tree from the topic and reproduces the last signed root; a directory that differs from the topic
 * is refused and not signed. Records are written to the topic directly, as replicas would.
 */
class SequencerFailoverTest {
    @TempDir
    Path dir;

    /** A request record with usage (11 + 7 tokens), as a replica's local log holds it. */
    static byte[] record(String node, long i) {
        return ("{\"v\":1,\"time\":\"2026-12-06T00:00:00Z\",\"type\":\"request\",\"request_id\":\"" + node + "-" + i
                + "\",\"key_id\":\"k1\",\"tenant\":\"t\",\"model\":\"m\",\"status\":200,\"prompt_tokens\":11,"
                + "\"completion_tokens\":7}").getBytes(StandardCharsets.UTF_8);
    }

    static void send(String bootstrap, String node, long from, long to) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (long i = from; i < to; i++) {
                sent.add(p.send(AuditTopic.message(node, "log-" + node, i, record(node, i))));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS); // fails the test when a record was not written
            }
        }
    }

    static void awaitCommitted(PostgresSchema schema, long offset, SequencerProcess s) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ClusterAuditTest.committedOffset(schema).orElse(-1L) < offset) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("offset " + offset + " not committed within 60 s:\n" + s.output());
            }
            Thread.sleep(50);
        }
    }

    /** Ends the PostgreSQL session holding the sequencer lease, as a network partition or a dead host would. */
    static int terminateLeaseSession(PostgresSchema schema) throws Exception {
        long key = dev.bastion.store.jdbc.SequencerLease.lockKey(Sequencer.WATERMARK);
        try (Connection c = DriverManager.getConnection(schema.scopedUrl(), schema.user(), schema.password());
                PreparedStatement p = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND granted AND classid::bigint = ? AND objid::bigint = ?")) {
            p.setLong(1, key >>> 32);
            p.setLong(2, key & 0xffffffffL);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aPausedSequencerWhoseLeasePassedOnIsFencedWhenItWakesAndItsSuccessorRebuildsTheTreeFromTheTopic()
            throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (TestKafka kafka = TestKafka.start(dir.resolve("kafka"))) {
            Path config = Files.writeString(dir.resolve("bastion.yaml"), ClusterAuditTest.storeYaml(schema)
                    + "cluster:\n  kafka-bootstrap: \"" + kafka.bootstrap() + "\"\n");
            Path dataA = dir.resolve("a");
            Path dataB = dir.resolve("b");
            try (SequencerProcess a = SequencerProcess.start(config, dataA, "a", schema.password())) {
                a.awaitLeading(60_000);
                send(kafka.bootstrap(), "n1", 0, 100);
                awaitCommitted(schema, 99, a);
                Files.createDirectories(dataB.resolve("keys"));
                for (String f : new String[] {"audit-cluster-signing.key", "audit-cluster-signing.key.pub"}) {
                    Files.copy(dataA.resolve("keys").resolve(f), dataB.resolve("keys").resolve(f));
                }

                a.pause();
                assertThat(terminateLeaseSession(schema)).as("a's lease session ended").isEqualTo(1);
                try (SequencerProcess successor = SequencerProcess.start(config, dataB, "b", schema.password())) {
                    successor.awaitLeading(60_000);
                    assertThat(successor.output()).contains("reproduces the last signed checkpoint");
                    send(kafka.bootstrap(), "n2", 0, 100);
                    send(kafka.bootstrap(), "n1", 50, 60); // a retry of records already sequenced
                    a.resume();
                    a.awaitOutput("fenced by a newer sequencer", 60_000);
                    awaitCommitted(schema, 209, successor);
                    successor.stop();
                    System.out.printf("failover: a was fenced when it woke; b's log:%n%s%n", successor.output().lines()
                            .filter(l -> l.startsWith("INFO") || l.startsWith("WARNING")).toList());
                }
                a.kill();
            }
            Path tree = Sequencer.treeDir(dataB);
            Verifier.Report report = Verifier.verify(tree, Verifier.readPublicKey(
                    Path.of(Sequencer.keyFile(dataB) + ".pub")), Optional.empty());
            assertThat(report.problems()).isEmpty();
            AuditReader reader = AuditReader.open(tree);
            Set<String> records = new HashSet<>();
            for (long i = 0; i < reader.size(); i++) {
                records.add(new String(reader.record(i), StandardCharsets.UTF_8));
            }
            assertThat(reader.size()).isEqualTo(200);
            assertThat(records).hasSize(200);
            long[] usage = ClusterAuditTest.usage(schema);
            System.out.printf("failover: tree of %d records verifies (%d checkpoints); usage %d requests, %d tokens%n",
                    reader.size(), report.checkpoints(), usage[0], usage[1]);
            assertThat(usage).containsExactly(200, 200 * 18);
        } finally {
            schema.drop();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aTreeThatDiffersFromTheTopicIsRefusedAndNotSigned() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (TestKafka kafka = TestKafka.start(dir.resolve("kafka"));
                Database store = Database.open(schema.scopedUrl(), Optional.of(schema.user()),
                        Optional.of(schema.secret()))) {
            AuditTopic.ensure(kafka.bootstrap(), java.time.Duration.ofSeconds(60));
            send(kafka.bootstrap(), "n1", 0, 3);
            SigningKey key = SigningKey.generate(SigningKey.Algorithm.values()[0]);
            Path tree = dir.resolve("tree");
            try (AuditLog log = AuditLog.open(tree, key, Sequencer.ORIGIN, Clock.systemUTC(), 100)) {
                log.append("{\"type\":\"request\",\"request_id\":\"not-in-the-topic\"}".getBytes(StandardCharsets.UTF_8))
                        .join();
            }
            String checkpoints = Files.readString(tree.resolve("checkpoints.log"));
            Sequencer.Outcome outcome = new Sequencer(new Sequencer.Settings(kafka.bootstrap(), store, tree, key,
                    Clock.systemUTC())).run();
            assertThat(outcome).isInstanceOf(Sequencer.Outcome.Mismatch.class);
            assertThat(((Sequencer.Outcome.Mismatch) outcome).problem()).contains("record 0 of the tree");
            assertThat(AuditReader.open(tree).size()).as("nothing appended").isEqualTo(1);
            assertThat(Files.readString(tree.resolve("checkpoints.log"))).as("nothing signed").isEqualTo(checkpoints);
            assertThat(ClusterAuditTest.committedOffset(schema)).as("nothing committed").isEmpty();
        } finally {
            schema.drop();
        }
    }
}
