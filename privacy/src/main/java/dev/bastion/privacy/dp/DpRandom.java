package dev.bastion.privacy.dp;

import java.security.SecureRandom;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The randomness behind every mechanism. {@link #secure()} (a {@link SecureRandom}) is the default everywhere;
 * {@link #insecureSeeded(long)} exists for reproducible experiments and tests, and is named so a reviewer finds
 * it: noise from a known seed protects nothing. Instances are not thread-safe; use one per query or training run.
 */
public final class DpRandom {
    private final RandomGenerator generator;
    private final boolean secure;

    private DpRandom(RandomGenerator generator, boolean secure) {
        this.generator = generator;
        this.secure = secure;
    }

    /** Noise from the operating system's CSPRNG. */
    public static DpRandom secure() {
        return new DpRandom(new SecureRandom(), true);
    }

    /** Reproducible noise from {@code seed}: for tests and experiments only, never for releases. */
    public static DpRandom insecureSeeded(long seed) {
        return new DpRandom(new Random(seed), false);
    }

    /** Package-private test hook: any generator. */
    static DpRandom forTesting(RandomGenerator generator) {
        return new DpRandom(generator, false);
    }

    /** Whether this randomness is fit for a real release. */
    public boolean isSecure() {
        return secure;
    }

    /** The underlying generator (for sampling that is not noise, such as choosing which rows a unit keeps). */
    public RandomGenerator generator() {
        return generator;
    }
}
