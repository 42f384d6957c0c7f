package dev.bastion.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A separate process for {@link WeightCacheTest}'s concurrent first loads: {@code MODEL CACHE-DIR MARKER OTHER}
 * creates MARKER, waits (up to 20 s) until OTHER exists too, so that both processes load together, then loads MODEL
 * through the cache in CACHE-DIR and prints the outcome's kind and the weights' fingerprint.
 */
public final class WeightCacheChild {
    private WeightCacheChild() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Files.createFile(Path.of(args[2]));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(Path.of(args[3])) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        try (GgufFile file = GgufFile.open(model)) {
            WeightCache.Loaded loaded = new WeightCache(Path.of(args[1])).load(file, ModelConfig.from(file));
            System.out.println(loaded.outcome().getClass().getSimpleName() + " "
                    + WeightCacheTest.fingerprint(loaded.weights()));
        }
    }
}
