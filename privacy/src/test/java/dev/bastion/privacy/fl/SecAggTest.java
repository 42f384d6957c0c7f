package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.fl.Messages.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SecAggTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Stream<Arguments> stagesAndDropouts() {
        List<Arguments> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            for (int dropped : new int[] {0, 1, 2, 3}) {
                out.add(Arguments.of(s, dropped));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} of 10 drop at {0}")
    @MethodSource("stagesAndDropouts")
    void theAggregateEqualsThePlaintextSumOfTheSurvivorsExactly(Stage stage, int dropped) {
        SecAggFixture f = new SecAggFixture(SecAggConfig.full("fed", 1, 10, 1.0 / 3, 64, 40, TIMEOUT), 7 + dropped);
        Set<Integer> leaving = Set.of(3, 7, 9).stream().limit(dropped).collect(java.util.stream.Collectors.toSet());
        InProcessRound.Report report = InProcessRound.run(f.config, f.clients,
                (client, s) -> s == stage && leaving.contains(client), m -> { });
        SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, report.outcome());
        SortedSet<Integer> expected = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        if (stage.ordinal() <= Stage.MASKED_INPUT.ordinal()) {
            expected.removeAll(leaving);
        }
        assertEquals(expected, done.included());
        assertArrayEquals(f.plainSum(expected), done.sum());
        assertTrue(report.clientAborts().isEmpty(), report.clientAborts().toString());
    }

    @ParameterizedTest(name = "4 of 10 drop at {0}")
    @MethodSource("allStages")
    void fortyPercentDropoutAbortsWithNoOutput(Stage stage) {
        SecAggFixture f = new SecAggFixture(SecAggConfig.full("fed", 1, 10, 1.0 / 3, 16, 40, TIMEOUT), 3);
        Set<Integer> leaving = Set.of(1, 4, 6, 10);
        InProcessRound.Report report = InProcessRound.run(f.config, f.clients,
                (client, s) -> s == stage && leaving.contains(client), m -> { });
        SecAggServer.Step.Aborted aborted = assertInstanceOf(SecAggServer.Step.Aborted.class, report.outcome());
        assertEquals(stage, aborted.stage());
    }

    static Stream<Stage> allStages() {
        return Stream.of(Stage.values());
    }

    @Test
    void survivorsRevealTheirSeedsWithDroppedPeersAndOneThatLeavesAtUnmaskingFallsBackToTheMaskKey() {
        // 3 drops after sharing (before its masked input); 7's masked input arrives but 7 leaves at unmasking, so
        // the server has no seed of the pair (3, 7) and must rebuild 3's mask key from the others' shares
        SecAggFixture f = new SecAggFixture(SecAggConfig.full("fed", 5, 10, 1.0 / 3, 64, 40, TIMEOUT), 13);
        List<Messages.UnmaskShares> unmasking = new ArrayList<>();
        InProcessRound.Report report = InProcessRound.run(f.config, f.clients,
                (client, s) -> (s == Stage.MASKED_INPUT && client == 3) || (s == Stage.UNMASKING && client == 7),
                m -> {
                    if (m instanceof Messages.UnmaskShares u) {
                        unmasking.add(u);
                    }
                });
        SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, report.outcome());
        assertEquals(new TreeSet<>(Set.of(1, 2, 4, 5, 6, 7, 8, 9, 10)), done.included());
        assertArrayEquals(f.plainSum(done.included()), done.sum());
        assertEquals(8, unmasking.size());
        for (Messages.UnmaskShares u : unmasking) {
            assertEquals(Set.of(3), u.pairSeeds().keySet(), "client " + u.header().sender() + " reveals only 3's seed");
            assertEquals(Set.of(3), u.maskKeyShares().keySet());
        }
    }

    @Test
    void secAggPlusSumsExactlyOverARandomRegularGraphWithDropouts() {
        SecAggConfig config = SecAggConfig.plus("fed", 4, 30, 10, 7, 0.2, SecAggConfig.seedFrom(99), 32, 40, TIMEOUT);
        for (int u = 1; u <= 30; u++) {
            assertEquals(11, config.holdersOf(u).size(), "client " + u + " has k neighbours and itself");
        }
        SecAggFixture f = new SecAggFixture(config, 5);
        InProcessRound.Report report = InProcessRound.run(config, f.clients,
                (client, s) -> (s == Stage.SHARE_KEYS && client % 10 == 1) || (s == Stage.UNMASKING && client % 10 == 5),
                m -> { });
        SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, report.outcome());
        assertEquals(27, done.included().size());
        assertArrayEquals(f.plainSum(done.included()), done.sum());
    }

    @Test
    void theGraphComesFromTheRoundSeedAndChangesWithIt() {
        SecAggConfig a = SecAggConfig.plus("fed", 1, 50, 8, 6, 0.2, SecAggConfig.seedFrom(1), 1, 20, TIMEOUT);
        SecAggConfig again = SecAggConfig.plus("fed", 1, 50, 8, 6, 0.2, SecAggConfig.seedFrom(1), 1, 20, TIMEOUT);
        SecAggConfig b = SecAggConfig.plus("fed", 1, 50, 8, 6, 0.2, SecAggConfig.seedFrom(2), 1, 20, TIMEOUT);
        assertEquals(a.holders(), again.holders());
        assertTrue(!a.holders().equals(b.holders()));
    }

    @Test
    void secAggPlusBoundsGrowLogarithmicallyAndMeetTheirConditions() {
        SecAggPlusBounds.Choice small = SecAggPlusBounds.choose(1000, 0.05, 0.1, 40, 20);
        SecAggPlusBounds.Choice large = SecAggPlusBounds.choose(100_000, 0.05, 0.1, 40, 20);
        assertTrue(!small.complete() && small.k() < 1000 / 4, small.toString());
        assertTrue(large.k() < small.k() * 2, large + " vs " + small);
        int m = small.k() + 1;
        assertTrue(Math.log(1000) + SecAggPlusBounds.logUpperTail(m, 0.05, 2 * small.threshold() - m) <= -40 * Math.log(2));
        assertTrue(Math.log(1000) + SecAggPlusBounds.logLowerTail(m, 0.9, small.threshold()) <= -20 * Math.log(2));
        SecAggPlusBounds.Choice tiny = SecAggPlusBounds.choose(10, 0.1, 0.3, 40, 20);
        assertTrue(tiny.complete(), "ten silos need the complete graph: " + tiny);
    }
}
