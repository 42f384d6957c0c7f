package dev.bastion.privacy.accounting;

import java.util.List;

/**
 * Turns a composition of privacy events into an (ε, δ) guarantee. Each accountant supports some event kinds;
 * {@link Accounting} asks every accountant that supports all events and keeps the smallest ε, since each answer is
 * a valid upper bound. Implementations are immutable and thread-safe.
 */
public interface Accountant {

    /** The accountant's name as shown in reports: {@code pure}, {@code zcdp}, {@code rdp}, {@code pld}. */
    String name();

    /** Whether this accountant can bound {@code event}. {@link PrivacyEvent.Approximate} is never supported. */
    boolean supports(PrivacyEvent event);

    /**
     * The smallest ε this accountant can prove for the composition of {@code events} at {@code delta}
     * ({@code Double.POSITIVE_INFINITY} when none exists at that δ).
     *
     * @throws IllegalArgumentException when an event is not supported or delta is outside [0, 1)
     */
    double epsilon(List<PrivacyEvent> events, double delta);
}
