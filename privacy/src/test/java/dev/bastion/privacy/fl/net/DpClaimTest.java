package dev.bastion.privacy.fl.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.fl.DpFedAvg;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A site recomputes a DP task's ε from its noise and holds the coordinator to the parameters it accepted. */
class DpClaimTest {
    private static final FeatureSchema SCHEMA = new FeatureSchema("label", List.of("0", "1"),
            List.of(new FeatureSchema.Column("a", true, 0, 1, List.of()), new FeatureSchema.Column("b", true, 0, 1, List.of())));
    private static final Control.Aggregation FULL = new Control.Aggregation("full", 1.0 / 3, 0.1, new byte[32], 4000);
    private static final Control.Privacy Z2_FIVE_ROUNDS = new Control.Privacy("distributed", 2.0, 3, 32, 5, 1e-5);

    private static Control.Task task(int trainingRound, double declared, Control.Privacy p) {
        return new Control.Task("fed", trainingRound, trainingRound, "logreg", 0, SCHEMA, declared, 1, 16, 0.1, 4, 16,
                1024, FULL, p, List.of(), new double[6]);
    }

    private static double spends(Control.Privacy p) {
        return DpClaim.epsilonOf(p); // the same accounting as DpFedAvg.guarantee, cached for the sites of this JVM
    }

    @Test
    void aTaskDeclaringWhatItsNoiseSpendsIsAcceptedAndOneDeclaringLessIsRefused() {
        double honest = spends(Z2_FIVE_ROUNDS);
        assertTrue(honest > 1, "z = 2 over 5 rounds spends more than 1: " + honest);
        assertEquals(DpFedAvg.guarantee(1, 2.0, 5, 1e-5).epsilonTightest(), honest,
                "the site's figure is the coordinator's (FlNetPrivacy declares DpFedAvg.guarantee's)");
        assertEquals(Optional.empty(), new DpClaim().check(task(1, honest, Z2_FIVE_ROUNDS)));
        assertEquals(Optional.of(Control.Refusal.EPSILON_UNDERSTATED),
                new DpClaim().check(task(1, honest * 0.9, Z2_FIVE_ROUNDS)));
        assertEquals(Optional.of(Control.Refusal.EPSILON_UNDERSTATED),
                new DpClaim().check(task(1, 0, Z2_FIVE_ROUNDS)), "declaring nothing under DP");
    }

    @Test
    void roundsPastTheOnesTheEpsilonCoversAreRefused() {
        double honest = spends(Z2_FIVE_ROUNDS);
        assertEquals(Optional.empty(), new DpClaim().check(task(5, honest, Z2_FIVE_ROUNDS)));
        assertEquals(Optional.of(Control.Refusal.ROUNDS_EXCEEDED),
                new DpClaim().check(task(6, honest, Z2_FIVE_ROUNDS)));
    }

    @Test
    void onceATaskIsAcceptedLaterTasksOfTheRunMayNotChangeItsDpParameters() {
        DpClaim claim = new DpClaim();
        Control.Task first = task(1, spends(Z2_FIVE_ROUNDS), Z2_FIVE_ROUNDS);
        assertEquals(Optional.empty(), claim.check(first));
        claim.accept(first);
        assertEquals(Optional.empty(), claim.check(task(2, spends(Z2_FIVE_ROUNDS), Z2_FIVE_ROUNDS)));
        Control.Privacy lessNoise = new Control.Privacy("distributed", 0.5, 3, 32, 5, 1e-5);
        assertEquals(Optional.of(Control.Refusal.PRIVACY_CHANGED), claim.check(task(2, 1e9, lessNoise)),
                "even when the new figure is declared honestly, the charge was made for the old noise");
        assertEquals(Optional.of(Control.Refusal.PRIVACY_CHANGED), claim.check(task(2, 0, Control.Privacy.NONE)),
                "nor may DP be switched off");
    }

    @Test
    void aTaskWithoutDpIsLeftToThePolicy() {
        assertEquals(Optional.empty(), new DpClaim().check(task(1, 0, Control.Privacy.NONE)));
        SitePolicy policy = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 1, 3, true, 1.0 / 3);
        assertEquals(Optional.empty(), policy.check(task(1, 0, Control.Privacy.NONE), 0, false));
    }

    @Test
    void theTaskFrameCarriesTheRoundsAndDeltaTheEpsilonIsComputedOver() {
        Control.Task sent = task(3, 7.5, Z2_FIVE_ROUNDS);
        Control.Task back = (Control.Task) Control.decode(Control.encode(sent));
        assertEquals(Z2_FIVE_ROUNDS, back.privacy());
        assertEquals(Optional.of(Control.Refusal.EPSILON_UNDERSTATED),
                ((Control.Answer) Control.decode(Control.encode(new Control.Answer(3,
                        Optional.of(Control.Refusal.EPSILON_UNDERSTATED))))).refusal());
    }
}
