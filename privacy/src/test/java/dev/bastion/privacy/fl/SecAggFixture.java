package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;

/** n clients with random inputs, their long-term keys and the roster, for the secure aggregation tests. */
final class SecAggFixture {
    final SecAggConfig config;
    final Map<Integer, SigningKey> identities = new HashMap<>();
    final Map<Integer, byte[]> roster = new HashMap<>();
    final Map<Integer, long[]> inputs = new HashMap<>();
    final List<SecAggClient> clients = new ArrayList<>();

    SecAggFixture(SecAggConfig config, long seed) {
        this.config = config;
        Random random = new Random(seed);
        for (int u = 1; u <= config.clients(); u++) {
            SigningKey key = SigningKey.generate(SigningKey.Algorithm.ED25519);
            identities.put(u, key);
            roster.put(u, key.publicKeyX509());
            long[] x = new long[config.length()];
            for (int j = 0; j < x.length; j++) {
                x[j] = random.nextLong() & ((1L << config.bits()) - 1);
            }
            inputs.put(u, x);
        }
        for (int u = 1; u <= config.clients(); u++) {
            clients.add(new SecAggClient(config, u, identities.get(u), roster, inputs.get(u), new Random(seed * 31 + u)));
        }
    }

    long[] plainSum(SortedSet<Integer> included) {
        long[] sum = new long[config.length()];
        for (int u : included) {
            SecAggClient.addInto(sum, inputs.get(u), 1, (1L << config.bits()) - 1);
        }
        return sum;
    }

    SecAggClient client(int id) {
        return clients.get(id - 1);
    }
}
