package dev.bastion.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.gateway.testing.TestRedis;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.pseudonym.MemoryTables;
import dev.bastion.guard.pseudonym.PseudonymVault;
import dev.bastion.guard.pseudonym.Sealer;
import dev.bastion.guard.pseudonym.Style;
import dev.bastion.guard.pseudonym.Surrogates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The pseudonym vault shared through a real Redis: two vaults in one JVM stand for two replicas. */
class RedisTablesTest {
    @TempDir
    Path dir;

    private final String keyId = "key_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    /** A replica's vault: its own data key, the master key and keyed hash every replica shares. */
    private RedisTables tables(URI redis) {
        return new RedisTables(RedisClient.create(redis.getHost(), redis.getPort()), redis.toString(),
                KeyedHasher.loadOrCreate(dir.resolve("api-key-hash.json")), new MemoryTables(Clock.systemUTC(), 1000),
                System::nanoTime);
    }

    private PseudonymVault vault(RedisTables tables, Duration ttl) {
        Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("master.json")), Map.of());
        return new PseudonymVault(Sealer.portable(envelope, envelope.newWrappedKey("pseudonym-vault"), "pseudonym-vault"),
                ttl, tables);
    }

    private static String pseudonymise(PseudonymVault vault, PseudonymVault.Scope scope, String value) {
        return vault.update(scope, t -> new Pseudonymizer(t, Surrogates.of(Style.TAG), s -> false).surrogate("PERSON", value))
                .orElseThrow();
    }

    @Test
    void aConversationKeepsItsSurrogatesWhicheverReplicaATurnReaches() {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url()); RedisTables b = tables(redis.url())) {
            PseudonymVault first = vault(a, Duration.ofMinutes(5));
            PseudonymVault second = vault(b, Duration.ofMinutes(5));
            PseudonymVault.Scope scope = new PseudonymVault.Scope(keyId, "conv-1");
            assertThat(pseudonymise(first, scope, "Ada Lovelace")).isEqualTo("<PERSON_1>");
            assertThat(pseudonymise(second, scope, "Ada Lovelace")).isEqualTo("<PERSON_1>");
            assertThat(pseudonymise(second, scope, "Grace Hopper")).isEqualTo("<PERSON_2>");
            assertThat(first.read(scope).entries()).hasSize(2);
            assertThat(second.read(new PseudonymVault.Scope(keyId, "conv-2")).entries()).isEmpty();
            assertThat(a.usingFallback()).isFalse();
        }
    }

    @Test
    void concurrentTurnsOnTwoReplicasLoseNoValueAndNeverShareASurrogate() throws Exception {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url()); RedisTables b = tables(redis.url());
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<PseudonymVault> replicas = List.of(vault(a, Duration.ofMinutes(5)), vault(b, Duration.ofMinutes(5)));
            PseudonymVault.Scope scope = new PseudonymVault.Scope(keyId, "busy");
            List<Future<String>> surrogates = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                PseudonymVault replica = replicas.get(i % 2);
                String value = "Person Number " + i;
                surrogates.add(pool.submit(() -> pseudonymise(replica, scope, value)));
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : surrogates) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(200);
            assertThat(replicas.get(0).read(scope).entries()).hasSize(200);
        }
    }

    @Test
    void redisHoldsNeitherValuesNorKeyIdsNorConversationIds() {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url()); RedisClient raw = RedisClient.create(redis.url().getHost(), redis.port())) {
            String conversation = "conversation-" + keyId;
            pseudonymise(vault(a, Duration.ofMinutes(5)), new PseudonymVault.Scope(keyId, conversation), "Ada Lovelace");
            Set<String> keys = raw.keys("bastion:pv:*");
            assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
            for (String key : keys) {
                assertThat(key).doesNotContain(keyId).doesNotContain(conversation);
                byte[] stored = raw.type(key).equals("set")
                        ? String.join("\n", raw.smembers(key)).getBytes(StandardCharsets.UTF_8)
                        : raw.get(key.getBytes(StandardCharsets.UTF_8));
                String text = new String(stored, StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain("Ada").doesNotContain("Lovelace").doesNotContain(keyId)
                        .doesNotContain(conversation);
            }
        }
    }

    @Test
    void erasingAKeyOnOneReplicaRemovesItsTablesForEveryReplicaAndNoOtherKeys() {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url()); RedisTables b = tables(redis.url())) {
            PseudonymVault first = vault(a, Duration.ofMinutes(5));
            PseudonymVault second = vault(b, Duration.ofMinutes(5));
            PseudonymVault.Scope other = new PseudonymVault.Scope(keyId + "-other", "c");
            pseudonymise(first, new PseudonymVault.Scope(keyId, "c1"), "Ada");
            pseudonymise(second, new PseudonymVault.Scope(keyId, "c2"), "Bob");
            pseudonymise(first, other, "Cy");
            assertThat(first.eraseKey(keyId)).isEqualTo(2);
            assertThat(second.read(new PseudonymVault.Scope(keyId, "c1")).entries()).isEmpty();
            assertThat(second.read(new PseudonymVault.Scope(keyId, "c2")).entries()).isEmpty();
            assertThat(second.read(other).entries()).hasSize(1);
        }
    }

    @Test
    void aTableWrittenWithoutTheMasterKeyFailsClosed() {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url()); RedisTables intruder = tables(redis.url())) {
            PseudonymVault.Scope scope = new PseudonymVault.Scope(keyId, "c");
            Envelope stranger = Envelope.open(new Envelope.MasterKeySource.File(dir.resolve("stranger.json")), Map.of());
            PseudonymVault forger = new PseudonymVault(Sealer.portable(stranger, stranger.newWrappedKey("pseudonym-vault"),
                    "pseudonym-vault"), Duration.ofMinutes(5), intruder);
            pseudonymise(forger, scope, "Mallory");
            PseudonymVault honest = vault(a, Duration.ofMinutes(5));
            assertThatThrownBy(() -> pseudonymise(honest, scope, "Ada")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not open");
        }
    }

    @Test
    void tablesExpireInRedisAfterTheirTtl() throws Exception {
        TestRedis redis = TestRedis.shared();
        try (RedisTables a = tables(redis.url())) {
            PseudonymVault vault = vault(a, Duration.ofMillis(300));
            PseudonymVault.Scope scope = new PseudonymVault.Scope(keyId, "short");
            pseudonymise(vault, scope, "Ada");
            assertThat(vault.read(scope).entries()).hasSize(1);
            Thread.sleep(700);
            assertThat(vault.read(scope).entries()).isEmpty();
        }
    }

    @Test
    void withRedisDownAReplicaKeepsPseudonymisingInMemoryAndErasureSaysItCouldNotReachTheCache() {
        try (TestRedis own = TestRedis.startOwn(dir); RedisTables a = tables(own.url())) {
            PseudonymVault vault = vault(a, Duration.ofMinutes(5));
            PseudonymVault.Scope scope = new PseudonymVault.Scope(keyId, "c");
            assertThat(pseudonymise(vault, scope, "Ada")).isEqualTo("<PERSON_1>");
            own.kill();
            assertThat(pseudonymise(vault, scope, "Bob")).as("a fresh table in memory").isEqualTo("<PERSON_1>");
            assertThat(a.usingFallback()).isTrue();
            assertThat(pseudonymise(vault, scope, "Bob")).isEqualTo("<PERSON_1>");
            assertThatThrownBy(() -> vault.eraseKey(keyId)).isInstanceOf(RedisTables.Unreachable.class)
                    .hasMessageContaining("retry");
            assertThat(a.size()).as("this replica's own copies are erased all the same").isZero();
        }
    }
}
