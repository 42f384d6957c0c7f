package dev.bastion.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.gateway.testing.TestRedis;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import dev.bastion.store.testing.PostgresSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway replicas in this JVM sharing one PostgreSQL store and one Redis, each on its own port with its
 * own data directory, and clients spread over them round-robin: they must act as one gateway.
 */
class ClusterGatewayTest {
    private static final int ATTEMPTS = 2000;

    @TempDir
    Path dir;

    /** The replicas; the first created the store's admin key and API-key hashing keyset, which the others share. */
    private record Replicas(List<TestGateway> all) implements AutoCloseable {
        static Replicas start(Path dir, PostgresSchema schema, URI redis, FakeUpstream upstream) {
            return start(dir, schema, redis, upstream, "", "");
        }

        /** @param clusterKeys more lines of the cluster section, each "  key: value\n" */
        static Replicas start(Path dir, PostgresSchema schema, URI redis, FakeUpstream upstream, String clusterKeys,
                String moreModels) {
            List<TestGateway> all = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Path home = dir.resolve("replica-" + i);
                    Files.createDirectories(home.resolve("data/keys"));
                    if (i > 0) { // replicas recognise one another's keys only with one hashing keyset
                        Path first = dir.resolve("replica-0/data");
                        Files.copy(first.resolve("keys/api-key-hash.json"), home.resolve("data/keys/api-key-hash.json"));
                        Files.copy(first.resolve("admin.key"), home.resolve("data/admin.key"));
                        // and open one another's sealed pseudonym tables only under one master key
                        Files.copy(first.resolve("keys/master-key.json"), home.resolve("data/keys/master-key.json"));
                    }
                    all.add(TestGateway.start(home, "store:\n  url: \"" + schema.scopedUrl() + "\"\n  username: "
                            + schema.user() + "\n  password-env: PG_TEST_PASSWORD\ncluster:\n  redis-url: " + redis
                            + "\n  node-id: replica-" + i + "\n  replicas: 3\n" + clusterKeys + "abuse:\n  min-requests: 0\nmodels:\n"
                            + TestGateway.model("m", upstream, "local").replace("read-timeout: 2s", "read-timeout: 20s")
                            + moreModels, Map.of("PG_TEST_PASSWORD", schema.password())));
                }
                return new Replicas(List.copyOf(all));
            } catch (IOException e) {
                all.forEach(TestGateway::close);
                throw new UncheckedIOException(e);
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

    /** What the clients saw: answers, refusals by status, and the tokens the answers report. */
    private record Tally(int answered, Map<Integer, Integer> statuses, long tokens, double seconds) {
    }

    /** {@link #ATTEMPTS} chat requests as fast as 12 clients can send them, spread round-robin over the replicas. */
    private static Tally hammer(String run, Replicas replicas, String key) {
        AtomicInteger next = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        try (ExecutorService clients = Executors.newFixedThreadPool(12)) {
            for (int c = 0; c < 12; c++) {
                clients.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < ATTEMPTS;) {
                        TestGateway.Reply r = replicas.get(i).post("/v1/chat/completions", key,
                                TestGateway.chat("m", "question number " + i, false));
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 200) {
                            tokens.addAndGet(r.json().at("/usage/total_tokens").asLong());
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Tally tally = new Tally(statuses.getOrDefault(200, 0), Map.copyOf(statuses), tokens.get(), seconds);
        System.out.printf("cluster: %s: %d of %d answered, statuses %s, %d tokens, %.1f s%n", run, tally.answered(), ATTEMPTS,
                tally.statuses(), tally.tokens(), seconds);
        return tally;
    }

    @Test
    void threeReplicasAdmitAKeysSixHundredRequestsPerMinuteOnceBetweenThem() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, TestRedis.shared().url(), upstream)) {
            String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"), new Limits(600, 0, 0));
            Tally tally = hammer("600 requests/min", replicas, key);
            assertThat(replicas.get(1).get("/metrics", null).body()).contains("bastion_rate_limits_fallback 0.0");
            assertThat(tally.answered()).isBetween(594, 606);
            assertThat(tally.statuses().keySet()).containsOnly(200, 429);
        } finally {
            schema.drop();
        }
    }

    @Test
    void threeReplicasKeepAKeysTokensPerMinuteWithinOnePercentPlusOneRequest() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, TestRedis.shared().url(), upstream)) {
            String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"), new Limits(0, 1800, 0));
            Tally tally = hammer("1800 tokens/min", replicas, key);
            long perRequest = 18; // the fake upstream's usage: 11 prompt + 7 completion tokens
            assertThat(tally.tokens()).isBetween(1800 - perRequest, 1800 + 18 + perRequest);
            assertThat(tally.statuses().keySet()).containsOnly(200, 429);
        } finally {
            schema.drop();
        }
    }

    @Test
    void aKeyRevokedThroughOneReplicaIsRefusedByTheOthersWithinOneSecond() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, TestRedis.shared().url(), upstream)) {
            String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"));
            for (int i = 0; i < 3; i++) { // every replica has recognised (and cached) the key
                assertThat(replicas.get(i).post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false))
                        .status()).isEqualTo(200);
            }
            String id = replicas.get(0).gateway().keys().list().getLast().id();
            long revoked = System.nanoTime();
            assertThat(replicas.get(0).post("/admin/v1/keys/" + id + "/revoke", replicas.get(0).adminKey(), "{}")
                    .status()).isEqualTo(200);
            for (int i = 1; i < 3; i++) {
                while (replicas.get(i).post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status()
                        != 401 && System.nanoTime() - revoked < 5_000_000_000L) {
                    Thread.sleep(10);
                }
                long millis = (System.nanoTime() - revoked) / 1_000_000;
                System.out.printf("cluster: replica-%d refused the revoked key %d ms after the revocation%n", i, millis);
                assertThat(millis).as("replica-" + i).isLessThan(1000);
            }
        } finally {
            schema.drop();
        }
    }

    @Test
    void withRedisKilledEachReplicaEnforcesItsShareSoTheLimitStillHolds() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        TestRedis redis = TestRedis.startOwn(Files.createDirectories(dir.resolve("redis")));
        try (redis; FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, redis.url(), upstream)) {
            String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"), new Limits(600, 0, 0));
            redis.kill();
            Tally tally = hammer("600 requests/min, Redis killed", replicas, key);
            assertThat(replicas.get(1).get("/metrics", null).body()).contains("bastion_rate_limits_fallback 1.0");
            // Each replica admits its share, 200, in the same 60-second window the shared limiter uses.
            assertThat(tally.seconds()).as("the run fits in one window").isLessThan(60);
            assertThat(tally.answered()).isBetween(594, 606);
            assertThat(tally.statuses().keySet()).containsOnly(200, 429);
        } finally {
            schema.drop();
        }
    }

    @Test
    void concurrencyLeasesOfAReplicaThatStopsWithoutReleasingThemLapse() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start(); FakeUpstream slowUpstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, TestRedis.shared().url(), upstream,
                        "  lease-ttl: 1s\n", TestGateway.model("slow", slowUpstream, "local")
                                .replace("read-timeout: 2s", "read-timeout: 20s"));
                ExecutorService clients = Executors.newFixedThreadPool(2)) {
            String key = replicas.get(0).createKey(Role.USER, "t", List.of("*"), new Limits(0, 0, 2));
            slowUpstream.delay(8000); // replica 0's two requests hold both of the key's concurrency leases
            for (int i = 0; i < 2; i++) {
                clients.submit(() -> replicas.get(0).post("/v1/chat/completions", key,
                        TestGateway.chat("slow", "slow", false)));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (slowUpstream.calls() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(1500); // longer than the lease time: replica 0 renews its leases while it runs
            TestGateway.Reply refused = replicas.get(1).post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.body()).contains("rate_limit_concurrent_requests");

            ((RedisRateLimiter) replicas.get(0).gateway().rateLimiter()).close(); // replica 0 "dies" holding them
            long stopped = System.nanoTime();
            int status;
            while ((status = replicas.get(1).post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false))
                    .status()) == 429 && System.nanoTime() - stopped < 5_000_000_000L) {
                Thread.sleep(20);
            }
            long millis = (System.nanoTime() - stopped) / 1_000_000;
            System.out.printf("cluster: a stopped replica's leases lapsed %d ms after it stopped (lease-ttl 1s)%n", millis);
            assertThat(status).isEqualTo(200);
            assertThat(millis).isLessThan(2000);
        } finally {
            schema.drop();
        }
    }

    @Test
    void withoutAClusterSectionAGatewayKeepsItsLimitsInProcessAndNeedsNoServer() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway single = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"))) {
            assertThat(single.gateway().rateLimiter()).isInstanceOf(dev.bastion.gateway.identity.LocalRateLimiter.class);
            String key = single.createKey(Role.USER, "t", List.of("*"));
            assertThat(single.post("/v1/chat/completions", key, TestGateway.chat("m", "hi", false)).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aConversationKeepsItsSurrogatesOnEveryReplicaAndErasingItsKeyOnOneClearsThemForAll() throws Exception {
        PostgresSchema schema = PostgresSchema.create();
        try (FakeUpstream upstream = FakeUpstream.start();
                Replicas replicas = Replicas.start(dir, schema, TestRedis.shared().url(), upstream, "",
                        TestGateway.model("cloud", upstream, "cloud"))) {
            var created = replicas.get(0).gateway().keys().create(new dev.bastion.gateway.identity.KeyService.KeySpec(
                    Role.USER, "t", List.of("*"), java.util.Optional.empty(), java.util.Optional.empty(), "test"));
            String key = created.secret().toUtf8(dev.bastion.crypto.InsecureSecretAccess.get());
            Map<String, String> conversation = Map.of("x-bastion-conversation", "conv-7");
            assertThat(replicas.get(0).post("/v1/chat/completions", key,
                    TestGateway.chat("cloud", "mail maria.rossi@corp-mail.de", false), conversation).status()).isEqualTo(200);
            String maria = upstream.received().getLast().body().at("/messages/0/content").asText().substring("mail ".length());
            assertThat(maria).doesNotContain("maria.rossi");

            TestGateway.Reply second = replicas.get(1).post("/v1/chat/completions", key, TestGateway.chat("cloud",
                    "also bob.stone@corp-mail.de and maria.rossi@corp-mail.de", false), conversation);
            String sent = upstream.received().getLast().body().at("/messages/0/content").asText();
            assertThat(sent).endsWith(" and " + maria).doesNotContain("bob.stone").doesNotContain("maria.rossi");
            assertThat(second.json().at("/choices/0/message/content").asText())
                    .isEqualTo("echo: also bob.stone@corp-mail.de and maria.rossi@corp-mail.de");

            assertThat(replicas.get(2).post("/v1/chat/completions", key, TestGateway.chat("cloud", "who is " + maria
                    + " and eve@corp-mail.de", false), conversation).json().at("/choices/0/message/content").asText())
                    .as("a third replica restores the surrogate from the shared table")
                    .isEqualTo("echo: who is maria.rossi@corp-mail.de and eve@corp-mail.de");

            TestGateway.Reply erased = replicas.get(2).delete("/admin/v1/subjects/key:" + created.key().id(),
                    replicas.get(0).adminKey());
            assertThat(erased.status()).isEqualTo(200);
            assertThat(erased.json().path("pseudonym_tables_erased").asInt()).isEqualTo(1);
            TestGateway.Reply after = replicas.get(1).post("/v1/chat/completions", key, TestGateway.chat("cloud",
                    "who is " + maria + " and eve@corp-mail.de", false), conversation);
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.body()).as("after erasure no replica can restore the value").doesNotContain("maria.rossi");
        } finally {
            schema.drop();
        }
    }
}
