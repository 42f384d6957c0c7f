package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The rows each step of continuous batching gives the waiting forward calls. */
class BatcherPlanTest {

    @Test
    void everyDecodingSequenceGetsItsRowAndPromptsShareTheRestOldestFirst() {
        // three decoders (1 token each), then two prompts of 100 and 30 tokens, in arrival order
        int[] take = Batcher.plan(List.of(1, 100, 1, 30, 1), 64, 8);
        assertThat(take).containsExactly(1, 61, 1, 0, 1);
    }

    @Test
    void aPromptThatFitsLeavesRoomForTheNextPrompt() {
        int[] take = Batcher.plan(List.of(20, 1, 30, 50), 64, 8);
        assertThat(take).containsExactly(20, 1, 30, 13);
    }

    @Test
    void manyDecodersStillLeavePromptRowsSoAJoiningPromptIsNeverStarved() {
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            remaining.add(1);
        }
        remaining.add(500); // a prompt that arrived last
        int[] take = Batcher.plan(remaining, 64, 8);
        assertThat(take[64]).isEqualTo(8);
        assertThat(java.util.Arrays.stream(take).sum()).isEqualTo(64);
        // the decoders left out this step are the newest ones; they come first once the oldest have re-queued
        assertThat(java.util.Arrays.stream(take, 0, 56).allMatch(t -> t == 1)).isTrue();
        assertThat(java.util.Arrays.stream(take, 56, 64).allMatch(t -> t == 0)).isTrue();
    }

    @Test
    void decodersAloneFillTheWholeStep() {
        assertThat(Batcher.plan(List.of(1, 1, 1, 1), 64, 8)).containsExactly(1, 1, 1, 1);
    }

    @Property
    void aStepNeverRunsMoreRowsThanItHasNorMoreThanACallNeedsAndAlwaysMakesProgress(
            @ForAll @Size(min = 1, max = 80) List<@IntRange(min = 1, max = 300) Integer> remaining) {
        int[] take = Batcher.plan(remaining, 64, 8);
        int sum = 0;
        for (int i = 0; i < take.length; i++) {
            assertThat(take[i]).isBetween(0, remaining.get(i));
            sum += take[i];
        }
        assertThat(sum).isBetween(1, 64);
        // the oldest waiting call of each kind is served
        for (int i = 0; i < take.length; i++) {
            if (remaining.get(i) > 1) {
                assertThat(take[i]).as("the oldest prompt").isPositive();
                break;
            }
        }
        for (int i = 0; i < take.length; i++) {
            if (remaining.get(i) == 1) {
                assertThat(take[i]).as("the oldest decoder").isEqualTo(1);
                break;
            }
        }
    }
}
