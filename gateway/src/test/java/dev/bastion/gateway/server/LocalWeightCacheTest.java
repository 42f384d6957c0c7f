package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.inference.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-engine.weight-cache} in the gateway: on by default, a local model's first start writes the kernels'
 * layout of its weights to {@code <data-dir>/cache/repacked} (owner-only), a second start maps it, and the answers
 * are the same with the cache written, with it mapped, with it damaged and with it off.
 */
class LocalWeightCacheTest {
    private static final String ENGINE = "  context-size: 128\n  threads: 1\n  max-tokens: 12\n";
    private static final TestModels.Shape SHAPE = TestModels.Shape.tiny("llama");

    @TempDir
    Path dir;

    @Test
    void theCacheIsWrittenOnTheFirstStartMappedOnTheNextAndTheAnswerIsTheSame() throws Exception {
        String written = answer(dir, ENGINE);
        List<Path> files = cacheFiles(dir);
        assertThat(files).hasSize(1);
        assertThat(Files.size(files.getFirst())).isPositive();
        assertThat(Files.getPosixFilePermissions(files.getFirst()))
                .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        long modified = Files.getLastModifiedTime(files.getFirst()).toMillis();

        String mapped = answer(dir, ENGINE);
        assertThat(cacheFiles(dir)).containsExactlyElementsOf(files);
        assertThat(Files.getLastModifiedTime(files.getFirst()).toMillis()).as("not rewritten").isEqualTo(modified);
        assertThat(mapped).isNotEmpty().isEqualTo(written);
    }

    @Test
    void aDamagedCacheIsRebuiltAndTheAnswerIsUnchanged() throws Exception {
        String first = answer(dir, ENGINE);
        Path file = cacheFiles(dir).getFirst();
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(file, bytes);
        assertThat(answer(dir, ENGINE)).isEqualTo(first);
        assertThat(Files.readAllBytes(cacheFiles(dir).getFirst())).as("rebuilt").isNotEqualTo(bytes);
    }

    @Test
    void offLeavesNoCacheAndGivesTheSameAnswer(@TempDir Path other) throws Exception {
        String cached = answer(dir, ENGINE);
        String off = answer(other, ENGINE + "  weight-cache: false\n");
        assertThat(cacheFiles(other)).isEmpty();
        assertThat(off).isEqualTo(cached);
    }

    /**
     * Starts a gateway in {@code home} with the same model file (written once, so its modification time, part of the
     * cache's key, stays), asks one greedy question, stops it.
     */
    private static String answer(Path home, String engine) throws IOException {
        try (LocalGatewayFixture local = LocalGatewayFixture.restart(home, "tiny", SHAPE, 21, engine)) {
            var body = local.request("Say something about caches.");
            body.put("temperature", 0);
            return LocalGatewayFixture.content(local.post(body));
        }
    }

    private static List<Path> cacheFiles(Path home) throws IOException {
        Path cache = home.resolve("data").resolve("cache").resolve("repacked");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
