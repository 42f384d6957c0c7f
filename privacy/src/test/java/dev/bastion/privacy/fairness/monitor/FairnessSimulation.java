package dev.bastion.privacy.fairness.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Simulated decisions for two groups (sex=male, sex=female): 30% positive labels, TPR 0.8, and an FPR per group that
 * a test may change between windows. Each round posts one full window per group, labels inline.
 */
final class FairnessSimulation {
    private final FairnessMonitor monitor;
    private final RandomGenerator random;
    private final int window;
    private long next;

    FairnessSimulation(FairnessMonitor monitor, RandomGenerator random) {
        this.monitor = monitor;
        this.random = random;
        this.window = monitor.settings().windowSize();
    }

    /** One window per group, with these false positive rates; the alerts the round raised. */
    List<Alert> round(double maleFpr, double femaleFpr) {
        List<Decision> batch = new ArrayList<>(2 * window);
        for (int i = 0; i < window; i++) {
            batch.add(decision("male", maleFpr));
            batch.add(decision("female", femaleFpr));
        }
        BatchResult r = monitor.record(batch, List.of());
        if (!(r instanceof BatchResult.Recorded recorded)) {
            throw new AssertionError("a simulated batch was refused: " + r);
        }
        return recorded.alerts();
    }

    private Decision decision(String sex, double fpr) {
        boolean label = random.nextDouble() < 0.3;
        boolean decision = random.nextDouble() < (label ? 0.8 : fpr);
        return new Decision("r" + next++, Map.of("sex", sex), decision, Optional.of(label));
    }
}
