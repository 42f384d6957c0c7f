package dev.bastion.privacy.train;

/**
 * What a training run guarantees: (ε, δ) under add-or-remove-one adjacency of examples, from the tightest
 * accountant, with every parameter needed to recompute it. {@code epsilon} is infinite for non-private training.
 */
public record PrivacyReport(double epsilon, double delta, double noiseMultiplier, double samplingRate, long steps,
        double clipNorm, String accountant, int examples, String notCovered) {

    public boolean isPrivate() {
        return Double.isFinite(epsilon);
    }
}
