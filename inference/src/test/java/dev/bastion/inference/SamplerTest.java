package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static float[] logits() {
        return new float[] {1f, 3f, 2.9f, -1f, 0.5f, 2f};
    }

    static SamplingParameters params(double temperature, double topP, int topK, double minP, double penalty,
            Map<Integer, Float> bias) {
        return new SamplingParameters(temperature, topP, topK, minP, OptionalLong.of(7), penalty, 64, bias);
    }

    @Test
    void temperatureZeroIsArgmax() {
        assertThat(new Sampler(SamplingParameters.greedy()).sample(logits(), new int[0], 0)).isEqualTo(1);
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        int[] a = draws(new Sampler(params(1, 1, 0, 0, 1, Map.of())), 50);
        int[] b = draws(new Sampler(params(1, 1, 0, 0, 1, Map.of())), 50);
        assertThat(a).containsExactly(b);
        assertThat(java.util.Arrays.stream(a).distinct().count()).as("a temperature of 1 explores").isGreaterThan(2);
    }

    @Test
    void topKOfOneIsGreedyAtAnyTemperature() {
        int[] d = draws(new Sampler(params(2, 1, 1, 0, 1, Map.of())), 100);
        assertThat(d).containsOnly(1);
    }

    @Test
    void topKOfTwoKeepsTheTwoBest() {
        int[] d = draws(new Sampler(params(2, 1, 2, 0, 1, Map.of())), 300);
        assertThat(d).containsOnly(1, 2).contains(1, 2);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // p(2)/p(1) = e^-0.1 = 0.90 survives min-p 0.5; p(5)/p(1) = e^-1 = 0.37 does not.
        int[] d = draws(new Sampler(params(1, 1, 0, 0.5, 1, Map.of())), 300);
        assertThat(d).containsOnly(1, 2);
    }

    @Test
    void topPKeepsTheSmallestSetWithThatMass() {
        // p(1) ~ 0.38 alone is below 0.5; with token 2 (~0.34) the mass exceeds it.
        int[] d = draws(new Sampler(params(1, 0.5, 0, 0, 1, Map.of())), 300);
        assertThat(d).containsOnly(1, 2);
    }

    @Test
    void logitBiasCanForceOrBanAToken() {
        Map<Integer, Float> bias = new HashMap<>();
        bias.put(3, 100f);
        assertThat(new Sampler(params(0, 1, 0, 0, 1, bias)).sample(logits(), new int[0], 0)).isEqualTo(3);
        assertThat(new Sampler(params(0, 1, 0, 0, 1, Map.of(1, -100f))).sample(logits(), new int[0], 0)).isEqualTo(2);
    }

    @Test
    void repetitionPenaltyDiscouragesRecentTokens() {
        int[] recent = {1};
        assertThat(new Sampler(params(0, 1, 0, 0, 1.5, Map.of())).sample(logits(), recent, 1)).as("3/1.5 < 2.9")
                .isEqualTo(2);
        assertThat(new Sampler(params(0, 1, 0, 0, 1.0, Map.of())).sample(logits(), recent, 1)).isEqualTo(1);
    }

    @Test
    void parametersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> params(3, 1, 0, 0, 1, Map.of())).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1, 0, 0, 0, 1, Map.of())).hasMessageContaining("top_p");
        assertThatThrownBy(() -> params(1, 1, -1, 0, 1, Map.of())).hasMessageContaining("top_k");
        assertThatThrownBy(() -> params(1, 1, 0, 0, 1, Map.of(1, 101f))).hasMessageContaining("logit bias");
    }

    @Test
    void drawsFollowTheSoftmaxAtTemperatureOne() {
        float[] l = {0f, (float) Math.log(3)}; // p = 0.25, 0.75
        Sampler s = new Sampler(params(1, 1, 0, 0, 1, Map.of()), new SplittableRandom(1));
        int ones = 0;
        for (int i = 0; i < 20_000; i++) {
            ones += s.sample(l.clone(), new int[0], 0);
        }
        assertThat(ones / 20_000.0).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.015));
    }

    private static int[] draws(Sampler s, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits(), new int[0], 0);
        }
        return out;
    }
}
