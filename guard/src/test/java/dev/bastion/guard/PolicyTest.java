package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private static Finding span(String type) {
        return new Finding(type, 0, 0, 3, 0.9, "test");
    }

    @Test
    void noFindingsAllows() {
        assertThat(new Policy(Map.of(), Action.BLOCK).decide(List.of())).isInstanceOf(Verdict.Allow.class);
    }

    @Test
    void anyBlockingFindingBlocksEvenBesideRedactions() {
        Policy policy = new Policy(Map.of("EMAIL_ADDRESS", Action.REDACT, "SECRET", Action.BLOCK), Action.ALLOW);
        Verdict v = policy.decide(List.of(span("EMAIL_ADDRESS"), span("SECRET")));
        assertThat(v).isInstanceOfSatisfying(Verdict.Block.class, b -> {
            assertThat(b.reason()).isEqualTo("blocked_by_policy:SECRET");
            assertThat(b.findingCounts()).containsEntry("EMAIL_ADDRESS", 1).containsEntry("SECRET", 1);
        });
    }

    @Test
    void redactPseudonymiseAndForceLocalCombineIntoOneTransform() {
        Policy policy = new Policy(Map.of("A", Action.REDACT, "B", Action.PSEUDONYMISE, "C", Action.FORCE_LOCAL), Action.ALLOW);
        Verdict v = policy.decide(List.of(span("A"), span("B"), span("C"), span("D")));
        assertThat(v).isInstanceOfSatisfying(Verdict.Transform.class, t -> {
            assertThat(t.redact()).extracting(Finding::type).containsExactly("A");
            assertThat(t.pseudonymise()).extracting(Finding::type).containsExactly("B");
            assertThat(t.forceLocal()).isTrue();
            assertThat(t.findings()).hasSize(4);
        });
    }

    @Test
    void cloudOnlyPseudonymisationWaitsForTheDestination() {
        Policy policy = new Policy(Map.of("EMAIL_ADDRESS", Action.PSEUDONYMISE_CLOUD), Action.ALLOW);
        Verdict v = policy.decide(List.of(span("EMAIL_ADDRESS")));
        assertThat(v).isInstanceOfSatisfying(Verdict.Transform.class, t -> {
            assertThat(t.pseudonymise()).isEmpty();
            assertThat(t.pseudonymiseIfCloud()).extracting(Finding::type).containsExactly("EMAIL_ADDRESS");
        });
        assertThat(v.forDestination(true)).isInstanceOfSatisfying(Verdict.Transform.class, t -> {
            assertThat(t.pseudonymise()).extracting(Finding::type).containsExactly("EMAIL_ADDRESS");
            assertThat(t.pseudonymiseIfCloud()).isEmpty();
        });
        assertThat(v.forDestination(false)).isInstanceOfSatisfying(Verdict.Allow.class,
                a -> assertThat(a.findingCounts()).containsEntry("EMAIL_ADDRESS", 1));
    }

    @Test
    void aLocalDestinationKeepsTheOtherRewrites() {
        Policy policy = new Policy(Map.of("EMAIL_ADDRESS", Action.PSEUDONYMISE_CLOUD, "IBAN_CODE", Action.REDACT),
                Action.ALLOW);
        Verdict local = policy.decide(List.of(span("EMAIL_ADDRESS"), span("IBAN_CODE"))).forDestination(false);
        assertThat(local).isInstanceOfSatisfying(Verdict.Transform.class, t -> {
            assertThat(t.redact()).extracting(Finding::type).containsExactly("IBAN_CODE");
            assertThat(t.pseudonymise()).isEmpty();
        });
    }

    @Test
    void cloudOnlyPseudonymisationOfAFindingWithoutASpanBlocks() {
        Policy policy = new Policy(Map.of("TOO_MANY_MESSAGES", Action.PSEUDONYMISE_CLOUD), Action.ALLOW);
        assertThat(policy.decide(List.of(new Finding("TOO_MANY_MESSAGES", 0, 0, 0, 1, "structure"))))
                .isInstanceOf(Verdict.Block.class);
    }

    @Test
    void unlistedTypesGetTheDefaultAction() {
        assertThat(new Policy(Map.of(), Action.BLOCK).decide(List.of(span("X")))).isInstanceOf(Verdict.Block.class);
        assertThat(new Policy(Map.of(), Action.ALLOW).decide(List.of(span("X")))).isInstanceOf(Verdict.Allow.class);
    }

    @Test
    void redactingAFindingWithoutASpanBlocksInstead() {
        Policy policy = new Policy(Map.of("TOO_MANY_MESSAGES", Action.REDACT), Action.ALLOW);
        assertThat(policy.decide(List.of(new Finding("TOO_MANY_MESSAGES", 0, 0, 0, 1, "structure"))))
                .isInstanceOf(Verdict.Block.class);
    }

    @Test
    void actionsParseFromConfigNamesAndRejectUnknownOnes() {
        assertThat(Action.fromConfig("force-local")).isEqualTo(Action.FORCE_LOCAL);
        assertThat(Action.fromConfig("Pseudonymize")).isEqualTo(Action.PSEUDONYMISE);
        assertThat(Action.fromConfig("pseudonymise-cloud")).isEqualTo(Action.PSEUDONYMISE_CLOUD);
        assertThat(Action.fromConfig("pseudonymize-cloud")).isEqualTo(Action.PSEUDONYMISE_CLOUD);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Action.fromConfig("drop"))
                .hasMessageContaining("expected one of");
    }
}
