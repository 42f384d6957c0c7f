package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.DpFedAvg;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A site's own reading of a DP task: the ε the task's noise gives, computed here from its noise multiplier, rounds
 * and δ with the same accounting the coordinator uses ({@link DpFedAvg#guarantee}, every site every round), so a
 * coordinator cannot declare less than its noise spends. Within one run the DP parameters may not change once
 * accepted (a coordinator could otherwise lower the noise after the charge), and no training round may go past the
 * rounds the ε was computed over. A task without DP is left to {@link SitePolicy} (it claims no ε). The accounting
 * takes seconds for small noise multipliers, so its results are kept per parameter set for the life of the process.
 * One instance per site connection (not thread-safe); the cache is shared.
 */
final class DpClaim {
    /** Relative slack for the declared ε: the coordinator prints and sends the same double, so only rounding. */
    private static final double SLACK = 1e-9;

    private static final Map<Control.Privacy, Double> SPENDS = new ConcurrentHashMap<>();

    private Control.Privacy accepted;

    /** The first reason to refuse {@code task} on DP grounds, or empty. */
    Optional<Control.Refusal> check(Control.Task task) {
        Control.Privacy p = task.privacy();
        if (accepted != null && !accepted.equals(p)) {
            return Optional.of(Control.Refusal.PRIVACY_CHANGED);
        }
        if (!p.on()) {
            return Optional.empty();
        }
        if (task.trainingRound() > p.rounds()) {
            return Optional.of(Control.Refusal.ROUNDS_EXCEEDED);
        }
        if (task.epsilon() < epsilonOf(p) * (1 - SLACK)) {
            return Optional.of(Control.Refusal.EPSILON_UNDERSTATED);
        }
        return Optional.empty();
    }

    /** Records that this site took part under {@code task}'s DP parameters: later tasks must keep them. */
    void accept(Control.Task task) {
        accepted = task.privacy();
    }

    /** ε at the task's δ that {@code p}'s noise spends over its rounds, by the tightest accountant. */
    static double epsilonOf(Control.Privacy p) {
        return SPENDS.computeIfAbsent(p,
                k -> DpFedAvg.guarantee(1, k.noiseMultiplier(), k.rounds(), k.delta()).epsilonTightest());
    }
}
