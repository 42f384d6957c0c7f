package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestRedis;
import dev.bastion.store.testing.PostgresSchema;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code bastion serve} replicas as processes on one PostgreSQL store and one Redis, clients spread over all
 * three, and one replica killed with SIGKILL mid-run (issue 21): once it is restarted on its own data directory, the
 * shared usage totals hold every request a client fully received, at most the cut-off ones on top, and another
 * restart counts none twice. Each replica counts its own audit log under its own watermark in the shared store.
 */
class ClusterKillNineTest {
    @TempDir
    Path dir;

    private ServedProcess serve(int replica, String run, Map<String, String> env) throws Exception {
        return ServedProcess.start(dir.resolve("replica-" + replica + ".yaml"), dir.resolve("data-" + replica),
                dir.resolve("replica-" + replica + "-" + run + ".stderr.txt"), env);
    }

    private static void stop(ServedProcess p) throws InterruptedException {
        p.process().destroy(); // SIGTERM: a clean stop writes the counters
        if (!p.process().waitFor(30, TimeUnit.SECONDS)) {
            p.process().destroyForcibly();
        }
    }

    @Test
    void aReplicaKilledMidRunLosesNoUsageOfAnsweredRequestsAndCountsNoneTwice() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        TestRedis redis = TestRedis.shared();
        Map<String, String> env = Map.of("PG_TEST_PASSWORD", schema.password());
        List<ServedProcess> replicas = new ArrayList<>();
        try (FakeUpstream upstream = FakeUpstream.start().delay(20)) {
            for (int i = 0; i < 3; i++) {
                Files.writeString(dir.resolve("replica-" + i + ".yaml"), "store:\n  url: \"" + schema.scopedUrl()
                        + "\"\n  username: " + schema.user() + "\n  password-env: PG_TEST_PASSWORD\ncluster:\n  redis-url: "
                        + redis.url() + "\n  node-id: replica-" + i + "\n  replicas: 3\nabuse:\n  min-requests: 0\n"
                        + "models:\n  - name: m\n    backend: openai\n    base-url: " + upstream.baseUrl()
                        + "\n    location: local\n");
            }
            replicas.add(serve(0, "first", env));
            for (int i = 1; i < 3; i++) { // one API-key hash, admin key and master key for all replicas
                Path data = Files.createDirectories(dir.resolve("data-" + i + "/keys"));
                for (String f : List.of("keys/api-key-hash.json", "keys/master-key.json", "admin.key")) {
                    Files.copy(dir.resolve("data-0").resolve(f), data.getParent().resolve(f));
                }
                replicas.add(serve(i, "first", env));
            }
            String admin = Files.readString(dir.resolve("data-0/admin.key")).strip();
            HttpClient client = HttpClient.newHttpClient();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger unanswered = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> bases = replicas.stream().map(ServedProcess::base).toList();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = client.send(
                                    UsageProbe.chat(bases.get(next.getAndIncrement() % 3), admin),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().contains("echo: count me")) {
                                answered.incrementAndGet();
                            } else {
                                unanswered.incrementAndGet();
                            }
                        } catch (Exception e) {
                            unanswered.incrementAndGet(); // cut off by the kill, or sent to the dead replica
                        }
                    }
                }));
            }
            for (int i = 0; i < 3000 && answered.get() < 90; i++) {
                Thread.sleep(10);
            }
            replicas.get(1).process().destroyForcibly(); // SIGKILL mid-run: no shutdown hook, no flush
            assertThat(replicas.get(1).process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            int atKill = answered.get();
            for (int i = 0; i < 3000 && answered.get() < atKill + 30; i++) {
                Thread.sleep(10);
            }
            stop.set(true);
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            assertThat(answered.get()).isGreaterThanOrEqualTo(120);
            stop(replicas.get(0));
            stop(replicas.get(2));

            ServedProcess restarted = serve(1, "second", env);
            replicas.set(1, restarted);
            long afterKill = UsageProbe.counted(client, restarted.base(), admin);
            System.out.printf("cluster kill -9: %d answered, %d cut off or refused, %d counted after the restart%n",
                    answered.get(), unanswered.get(), afterKill);
            assertThat(afterKill).isBetween((long) answered.get(), (long) answered.get() + unanswered.get());
            assertThat(client.send(UsageProbe.chat(restarted.base(), admin), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(UsageProbe.counted(client, restarted.base(), admin)).isEqualTo(afterKill + 1);
            stop(restarted);

            ServedProcess again = serve(1, "third", env);
            replicas.set(1, again);
            assertThat(UsageProbe.counted(client, again.base(), admin)).isEqualTo(afterKill + 1);
        } finally {
            for (ServedProcess p : replicas) {
                p.process().destroyForcibly();
            }
            schema.drop();
        }
    }
}
