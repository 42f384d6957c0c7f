package dev.bastion.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AbuseMonitorTest {
    private final AtomicLong now = new AtomicLong(1);
    private final AbuseMonitor monitor = new AbuseMonitor(
            new AbuseMonitor.Settings(Duration.ofMinutes(10), 20, 0.6, 0.95), now::get);

    @Test
    void nearDuplicatePromptsFromATemplateAreFlaggedAndTheKeyIsHeldBackProgressively() {
        Optional<AbuseMonitor.Flag> flag = Optional.empty();
        for (int i = 0; i < 20 && flag.isEmpty(); i++) {
            now.addAndGet(100_000_000L);
            flag = monitor.record("key_a", "Classify the sentiment of this review: the food was great and the staff friendly " + i, 40, 2);
        }
        assertThat(flag).hasValueSatisfying(f -> {
            assertThat(f.rule()).isEqualTo("near_duplicate_prompts");
            assertThat(f.coolDown()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(monitor.heldBack("key_a")).isPresent();
        now.addAndGet(2_000_000_000L);
        assertThat(monitor.heldBack("key_a")).isEmpty();
        Optional<AbuseMonitor.Flag> again = Optional.empty();
        for (int i = 0; i < 20 && again.isEmpty(); i++) {
            again = monitor.record("key_a", "Classify the sentiment of this review: the food was great and the staff friendly x" + i, 40, 2);
        }
        assertThat(again).hasValueSatisfying(f -> assertThat(f.coolDown()).isEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void variedOrdinaryPromptsOfTheSameVolumeAreNotFlagged() {
        Random r = new Random(7);
        String[] topics = {"invoice", "holiday", "diabetes", "contract", "router", "poem", "tax", "python", "garden",
            "meeting", "budget", "recipe", "flight", "lease", "exam", "printer", "email", "report", "vaccine", "loan"};
        for (int i = 0; i < 60; i++) {
            String prompt = "Please help me write a short note about " + topics[r.nextInt(topics.length)] + " for "
                    + topics[r.nextInt(topics.length)] + " and " + topics[r.nextInt(topics.length)] + " number " + r.nextInt(1000);
            assertThat(monitor.record("key_b", prompt, 30, 60)).isEmpty();
        }
        assertThat(monitor.heldBack("key_b")).isEmpty();
    }

    @Test
    void exactRepeatsOfOnePromptAreNotProbing() {
        for (int i = 0; i < 100; i++) {
            assertThat(monitor.record("key_d", "health check: are you there?", 10, 5)).isEmpty();
        }
    }

    @Test
    void sustainedOutputOnlyTrafficIsFlagged() {
        Optional<AbuseMonitor.Flag> flag = Optional.empty();
        for (int i = 0; i < 25 && flag.isEmpty(); i++) {
            flag = monitor.record("key_c", "q" + i + " " + Integer.toHexString(i * 7919), 1, 500);
        }
        assertThat(flag).hasValueSatisfying(f -> assertThat(f.rule()).isIn("high_output_share", "near_duplicate_prompts"));
    }

    @Test
    void similarPromptsHaveCloseFingerprintsAndDifferentOnesDoNot() {
        long a = AbuseMonitor.simHash("Translate the following sentence into French: the cat sleeps on the warm mat 1");
        long b = AbuseMonitor.simHash("Translate the following sentence into French: the cat sleeps on the warm mat 2");
        long c = AbuseMonitor.simHash("What are the side effects of metformin for elderly patients with kidney disease?");
        assertThat(Long.bitCount(a ^ b)).isLessThanOrEqualTo(AbuseMonitor.NEAR_BITS);
        assertThat(Long.bitCount(a ^ c)).isGreaterThan(AbuseMonitor.NEAR_BITS);
    }

    @Test
    void aSystematicSweepOverNumbersIsFlaggedButRetriesOfOnePromptAreNot() {
        for (int i = 0; i < 19; i++) {
            assertThat(monitor.record("key_sweep", "Tell me everything in the record of customer account " + (100_000 + i * 7)
                    + " including the notes.", 20, 40)).isEmpty();
            assertThat(monitor.record("key_retry", "Summarise this quarter's report for the board.", 20, 40)).isEmpty();
        }
        assertThat(monitor.record("key_sweep", "Tell me everything in the record of customer account 999999 including "
                + "the notes.", 20, 40)).hasValueSatisfying(f -> assertThat(f.rule()).isIn("systematic_sweep",
                        "near_duplicate_prompts"));
        assertThat(monitor.record("key_retry", "Summarise this quarter's report for the board.", 20, 40)).isEmpty();
    }

    @Test
    void sweepsAreCountedOnTheTemplateNotOnNearDuplicateWording() {
        AbuseMonitor sweepsOnly = new AbuseMonitor(new AbuseMonitor.Settings(Duration.ofMinutes(10), 10, 1.0, 1.0, 0.6, 0),
                now::get);
        Optional<AbuseMonitor.Flag> flag = Optional.empty();
        for (int i = 0; i < 10 && flag.isEmpty(); i++) {
            flag = sweepsOnly.record("k", "salary of employee " + i, 5, 5);
        }
        assertThat(flag).hasValueSatisfying(f -> assertThat(f.rule()).isEqualTo("systematic_sweep"));
    }

    @Test
    void sustainedVolumeFlagsAKeyWhateverItsPrompts() {
        AbuseMonitor volume = new AbuseMonitor(new AbuseMonitor.Settings(Duration.ofMinutes(10), 10, 1.0, 1.0, 1.0, 30),
                now::get);
        Optional<AbuseMonitor.Flag> flag = Optional.empty();
        int i = 0;
        String[] words = {"apple", "river", "castle", "engine", "violet", "thunder", "pencil", "garden", "rocket", "meadow"};
        for (; i < 40 && flag.isEmpty(); i++) {
            flag = volume.record("k", words[i % 10] + " " + words[(i * 3) % 10] + " " + words[(i * 7) % 10] + " story " + i, 5, 5);
        }
        assertThat(flag).hasValueSatisfying(f -> assertThat(f.rule()).isEqualTo("sustained_volume"));
        assertThat(i).isEqualTo(30);
    }
}
