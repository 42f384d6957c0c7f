package dev.bastion.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.KeyRepository;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recognised keys are served from memory for a second; a revocation through the service counts at once; the keys in
 * use are read again in the background before their second is up.
 */
class KeyServiceCacheTest {
    @TempDir
    Path dir;

    /** Keys in memory, counting look-ups by hash: what another process sharing the store would also see. */
    private static final class Keys implements KeyRepository {
        final List<ApiKey> keys = new ArrayList<>();
        final AtomicInteger lookups = new AtomicInteger();
        /** Runs inside each lookup, as a change heard while the store is being read would. */
        volatile Runnable duringLookup = () -> { };

        @Override
        public synchronized void insertKey(ApiKey key) {
            keys.add(key);
        }

        @Override
        public synchronized Optional<ApiKey> findKeyByHash(byte[] hash) {
            lookups.incrementAndGet();
            duringLookup.run();
            return keys.stream().filter(k -> Arrays.equals(k.hash(), hash)).findFirst();
        }

        @Override
        public synchronized Optional<ApiKey> findKey(String id) {
            return keys.stream().filter(k -> k.id().equals(id)).findFirst();
        }

        @Override
        public synchronized List<ApiKey> listKeys() {
            return List.copyOf(keys);
        }

        @Override
        public synchronized boolean updateLimits(String id, Optional<dev.bastion.store.keys.Limits> limits) {
            for (int i = 0; i < keys.size(); i++) {
                ApiKey k = keys.get(i);
                if (k.id().equals(id)) {
                    keys.set(i, new ApiKey(k.id(), k.hash(), k.role(), k.tenant(), k.models(), k.createdAt(),
                            k.expiresAt(), k.revokedAt(), limits, k.label()));
                    return true;
                }
            }
            return false;
        }

        @Override
        public synchronized boolean revokeKey(String id, Instant at) {
            for (int i = 0; i < keys.size(); i++) {
                ApiKey k = keys.get(i);
                if (k.id().equals(id) && k.revokedAt().isEmpty()) {
                    keys.set(i, new ApiKey(k.id(), k.hash(), k.role(), k.tenant(), k.models(), k.createdAt(),
                            k.expiresAt(), Optional.of(at), k.limits(), k.label()));
                    return true;
                }
            }
            return false;
        }

        @Override
        public synchronized long countKeys() {
            return keys.size();
        }
    }

    private final Keys store = new Keys();
    private final AtomicLong nanos = new AtomicLong();

    private KeyService service() {
        return new KeyService(store, KeyedHasher.loadOrCreate(dir.resolve("hash.json")), RandomTokens.secure(),
                Clock.systemUTC(), nanos::get);
    }

    private static KeyService.KeySpec spec() {
        return new KeyService.KeySpec(Role.USER, "t", List.of("*"), Optional.empty(), Optional.empty(), "test");
    }

    @Test
    void aRecognisedKeyIsServedFromMemoryUntilItsSecondIsUp() {
        KeyService keys = service();
        String secret = keys.create(spec()).secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).hasValue(1);
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS);
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).hasValue(2);
    }

    @Test
    void aRevocationThroughTheServiceCountsOnTheNextRequest() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(keys.revoke(created.key().id())).isTrue();
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void aRotationRetiresTheOldKeyOnTheNextRequest() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        String fresh = keys.rotate(created.key().id()).orElseThrow().secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isEmpty();
        assertThat(keys.authenticate(fresh)).isPresent();
    }

    @Test
    void aRevocationByAnotherProcessCountsWithinASecond() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        store.revokeKey(created.key().id(), Instant.now()); // as the CLI would, in its own process
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS - 1);
        assertThat(keys.authenticate(secret)).as("still cached").isPresent();
        nanos.addAndGet(1);
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void aKeyOneCharacterAwayFromACachedOneIsNotServedFromTheCache() {
        KeyService keys = service();
        String secret = keys.create(spec()).secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        char last = secret.charAt(secret.length() - 1);
        String neighbour = secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(keys.authenticate(neighbour)).isEmpty();
        assertThat(store.lookups).as("the neighbour went to the store").hasValue(2);
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).as("the real key is still cached").hasValue(2);
    }

    @Test
    void unknownKeysAreNeverCached() {
        KeyService keys = service();
        String unknown = "bsk_" + "A".repeat(43);
        assertThat(keys.authenticate(unknown)).isEmpty();
        assertThat(keys.authenticate(unknown)).isEmpty();
        assertThat(store.lookups).hasValue(2);
    }

    @Test
    void aReplicaThatHearsOfChangesCachesLongerAndForgetsAChangedKeyAtOnce() {
        KeyService keys = new KeyService(store, KeyedHasher.loadOrCreate(dir.resolve("hash.json")), RandomTokens.secure(),
                Clock.systemUTC(), KeyService.CLUSTER_CACHE_TTL);
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        store.revokeKey(created.key().id(), java.time.Instant.now()); // another replica revokes it
        assertThat(keys.authenticate(secret)).as("still cached: nothing was heard yet").isPresent();
        keys.forgetKey(created.key().id());
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void aLookupThatRacedWithAHeardChangeDoesNotCacheTheKeyItRead() {
        KeyService keys = new KeyService(store, KeyedHasher.loadOrCreate(dir.resolve("hash.json")), RandomTokens.secure(),
                Clock.systemUTC(), KeyService.CLUSTER_CACHE_TTL);
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        store.duringLookup = () -> keys.forgetKey(created.key().id());
        assertThat(keys.authenticate(secret)).isPresent();
        store.duringLookup = () -> { };
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).as("the first lookup's key was not kept").hasValue(2);
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).hasValue(2);
    }

    @Test
    void aKeyInUseIsReadAgainInTheBackgroundSoItsNextRequestFindsItInMemory() {
        KeyService keys = service();
        String secret = keys.create(spec()).secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2);
        assertThat(keys.refreshRecentlyUsed()).isEqualTo(1);
        assertThat(store.lookups).hasValue(2);
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2 + KeyService.CACHE_TTL_NANOS / 4); // past the first read's second
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).as("served from the background read").hasValue(2);
    }

    @Test
    void aRevocationByAnotherProcessIsSeenByTheBackgroundRead() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        store.revokeKey(created.key().id(), Instant.now()); // as the CLI would, in its own process
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2);
        keys.refreshRecentlyUsed();
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void theBackgroundReadNeverExtendsAKeyBeyondItsSecondWhenItDoesNotRun() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 4);
        assertThat(keys.refreshRecentlyUsed()).as("read a quarter second ago: not read again").isZero();
        store.revokeKey(created.key().id(), Instant.now());
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS); // no round ran in time (a slow store): the entry expires
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void aKeyNotPresentedForTwoMinutesIsLeftToExpire() {
        KeyService keys = service();
        String secret = keys.create(spec()).secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        nanos.addAndGet(KeyService.KEEP_FRESH_NANOS + 1);
        assertThat(keys.refreshRecentlyUsed()).isZero();
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).as("read on the request, as without the refresh").hasValue(2);
    }

    @Test
    void aBackgroundReadThatRacedWithAHeardChangeDoesNotKeepTheKeyItRead() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2);
        store.duringLookup = () -> keys.forgetKey(created.key().id());
        assertThat(keys.refreshRecentlyUsed()).isEqualTo(1);
        store.duringLookup = () -> { };
        assertThat(keys.authenticate(secret)).isPresent();
        assertThat(store.lookups).as("the background read was dropped: the request read the store").hasValue(3);
    }

    @Test
    void aKeyGoneFromTheStoreIsDroppedByTheBackgroundRead() {
        KeyService keys = service();
        KeyService.CreatedKey created = keys.create(spec());
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        synchronized (store) {
            store.keys.clear();
        }
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2);
        keys.refreshRecentlyUsed();
        assertThat(keys.authenticate(secret)).isEmpty();
    }

    @Test
    void theBackgroundRefreshRunsUntilClosed() throws Exception {
        KeyService keys = service();
        String secret = keys.create(spec()).secret().toUtf8(InsecureSecretAccess.get());
        assertThat(keys.authenticate(secret)).isPresent();
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS / 2);
        AutoCloseable refresh = keys.keepFresh();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.lookups.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.lookups).as("a round ran within ten seconds").hasValueGreaterThanOrEqualTo(2);
        } finally {
            refresh.close();
        }
        int after = store.lookups.get();
        nanos.addAndGet(KeyService.CACHE_TTL_NANOS); // every entry is due again: a live thread would read it
        Thread.sleep(600);
        assertThat(store.lookups).as("no round after close").hasValue(after);
    }
}
