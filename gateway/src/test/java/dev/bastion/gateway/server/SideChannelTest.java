package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token-length side channel (Weiss et al., USENIX Security 2024): an observer of encrypted streams sees each
 * event's size. A nearest-neighbour attacker trained on event-size sequences tells apart answers of the same
 * number of tokens when sizes are raw, and is reduced to chance when events are padded.
 */
class SideChannelTest {
    /** Four answers with eight words each, differing only in word lengths. */
    private static final List<String> ANSWERS = List.of(
            "Take two tablets daily with water after meals ",
            "Surgery is scheduled tomorrow morning at eight sharp ",
            "No abnormalities found in the latest blood panel ",
            "Refer patient urgently to cardiology for further evaluation ");
    private static final int RUNS = 5;

    @TempDir
    Path dir;

    /** Event sizes in bytes of each observed stream, with its answer label. */
    private record Observation(int label, List<Integer> sizes) {
    }

    private List<Observation> observe(boolean padding, Path home) throws Exception {
        Files.createDirectories(home);
        List<Observation> out = new ArrayList<>();
        try (FakeUpstream up = FakeUpstream.start().chunkByWords(true);
                TestGateway g = TestGateway.start(home, "guard:\n  stream-padding: " + padding + "\nmodels:\n"
                        + TestGateway.model("m", up, "local"))) {
            String key = g.createKey(Role.USER, "t", List.of("*"));
            for (int run = 0; run < RUNS; run++) {
                for (int label = 0; label < ANSWERS.size(); label++) {
                    up.answer(ANSWERS.get(label));
                    TestGateway.Reply r = g.post("/v1/chat/completions", key, TestGateway.chat("m", "q", true));
                    assertThat(r.status()).isEqualTo(200);
                    List<Integer> sizes = new ArrayList<>();
                    for (String e : r.events()) {
                        sizes.add(e.getBytes(StandardCharsets.UTF_8).length);
                    }
                    out.add(new Observation(label, sizes));
                }
            }
        }
        return out;
    }

    /** Leave-one-out 1-nearest-neighbour accuracy (L1 distance, ties broken at random with a fixed seed). */
    private static double attackerAccuracy(List<Observation> data) {
        Random random = new Random(2024);
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            long best = Long.MAX_VALUE;
            List<Integer> nearest = new ArrayList<>();
            for (int j = 0; j < data.size(); j++) {
                if (i == j) {
                    continue;
                }
                long d = distance(data.get(i).sizes(), data.get(j).sizes());
                if (d < best) {
                    best = d;
                    nearest.clear();
                }
                if (d == best) {
                    nearest.add(j);
                }
            }
            int guess = data.get(nearest.get(random.nextInt(nearest.size()))).label();
            if (guess == data.get(i).label()) {
                correct++;
            }
        }
        return (double) correct / data.size();
    }

    private static long distance(List<Integer> a, List<Integer> b) {
        long d = Math.abs(a.size() - b.size()) * 1000L;
        for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
            d += Math.abs(a.get(k) - b.get(k));
        }
        return d;
    }

    private static double meanSize(List<Observation> data) {
        return data.stream().flatMap(o -> o.sizes().stream()).mapToInt(Integer::intValue).average().orElse(0);
    }

    @Test
    void paddingReducesTheTokenLengthAttackerToChance() throws Exception {
        List<Observation> raw = observe(false, dir.resolve("raw"));
        List<Observation> padded = observe(true, dir.resolve("padded"));
        double rawAccuracy = attackerAccuracy(raw);
        double paddedAccuracy = attackerAccuracy(padded);
        double chance = 1.0 / ANSWERS.size();
        System.out.printf("side channel: attacker accuracy %.2f raw, %.2f padded (chance %.2f); mean event %.0f -> %.0f bytes%n",
                rawAccuracy, paddedAccuracy, chance, meanSize(raw), meanSize(padded));
        assertThat(rawAccuracy).isGreaterThanOrEqualTo(0.9);
        assertThat(paddedAccuracy).isLessThanOrEqualTo(chance + 0.2);
        // Every event of a padded stream has the same size as the same event of any other answer.
        assertThat(padded).allSatisfy(o -> assertThat(o.sizes()).isEqualTo(padded.getFirst().sizes()));
    }
}
