package dev.bastion.privacy.fl.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.dp.DiscreteGaussian;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.fl.DistributedDp;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.Messages;
import dev.bastion.privacy.fl.RobustAggregation;
import dev.bastion.privacy.fl.WireCodec;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fl serve --dp/--robust} over loopback mutual TLS, against the one-JVM code paths. */
class FlNetDpRobustTest {
    private static final double FLIP = 50;
    private static final Control.Privacy DISTRIBUTED = distributed(2, 3);

    @TempDir
    Path dir;

    private static void start(FlNetFixture f, SiteLinks links, int n, IntFunction<Site> site) {
        for (int i = 1; i <= n; i++) {
            Site s = site.apply(i);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    s.run("127.0.0.1", links.port(), 1 << 24);
                } catch (IOException | RuntimeException e) {
                    // the run ended
                }
            });
        }
    }

    private static Site seeded(FlNetFixture f, int id, SitePolicy policy, Site.InsecureTestHooks hooks) {
        try {
            return f.seededSite(id, policy, hooks);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Distributed DP at z = 6 (so a round or two spends about one ε at δ = 1e-5) over {@code rounds} rounds. */
    private static Control.Privacy distributed(int rounds, int minSurvivors) {
        return new Control.Privacy("distributed", 6.0, minSurvivors, 32, rounds, 1e-5);
    }

    /** The ε that {@code p}'s noise spends, as the coordinator declares it and each site recomputes it. */
    private static double spends(Control.Privacy p) {
        return DpClaim.epsilonOf(p); // the same accounting as DpFedAvg.guarantee, cached for the sites of this JVM
    }

    private static Coordinator.Settings settings(FlNetFixture f, String mode, int rounds, double epsilon,
            Control.Privacy privacy, Optional<RobustAggregation.Rule> rule, int groupSize) {
        Coordinator.Settings b = f.settings(mode, rounds, "logreg", epsilon);
        return new Coordinator.Settings(b.model(), b.hidden(), b.schema(), b.rounds(), b.aggregation(), b.epsilon(),
                b.localEpochs(), b.batchSize(), b.learningRate(), b.clip(), b.levelBits(), b.maxCount(),
                b.maxAttempts(), privacy, rule, groupSize, 0.25);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void distributedDpOverTheNetworkEqualsTheOneJvmComputationBitForBitAndTheCoordinatorSeesOnlyMaskedVectors()
            throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        List<SiteLinks.Inbound> seen = new CopyOnWriteArrayList<>();
        LogisticRegression model = new LogisticRegression(2, 2);
        double[] initial = model.initialParameters(new Random(1));
        Coordinator.Settings s = settings(f, "full", 2, spends(DISTRIBUTED), DISTRIBUTED, Optional.empty(), 1);
        List<Coordinator.RoundReport> reports = new ArrayList<>();
        Coordinator.Result result;
        try (SiteLinks links = f.listen()) {
            links.tap(seen::add);
            start(f, links, 4, i -> seeded(f, i, FlNetFixture.OPEN, Site.InsecureTestHooks.NONE));
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            result = new Coordinator(f.roster, links, s, e -> { }).run(initial, reports::add);
        }
        // the one-JVM path (DpFedAvg's distributed mode) with the same seeds: local update, DistributedDp.encode,
        // the modular sum, decode, and the fixed denominator q·N with q = 1
        FederatedAveraging.Settings local = new FederatedAveraging.Settings(1, s.localEpochs(), s.batchSize(),
                s.learningRate(), FederatedAveraging.SecureAggregation.OFF, 0, s.aggregation().tolerance(), 0,
                s.clip(), s.levelBits(), 1);
        Map<Integer, Random> randoms = Map.of(1, new Random(1), 2, new Random(2), 3, new Random(3), 4, new Random(4));
        Map<Integer, DpRandom> noises = Map.of(1, DpRandom.insecureSeeded(101), 2, DpRandom.insecureSeeded(102),
                3, DpRandom.insecureSeeded(103), 4, DpRandom.insecureSeeded(104));
        double[] params = initial.clone();
        for (Coordinator.RoundReport r : reports) {
            assertEquals(Set.of(1, 2, 3, 4), r.survivors());
            long seed = ByteBuffer.wrap(HexFormat.of().parseHex(r.roundSeed())).getLong();
            DistributedDp plan = DistributedDp.plan(params.length, s.clip(), DISTRIBUTED.bits(),
                    DISTRIBUTED.noiseMultiplier(), DISTRIBUTED.minSurvivors(), 4, seed);
            long[] sum = new long[plan.rotation().paddedDimensions()];
            for (int i = 1; i <= 4; i++) {
                TrainingData data = f.schema().encode(FlNetFixture.data(i, FlNetFixture.rows(i)));
                double[] update = FederatedAveraging.localUpdate(model, params, data, local, randoms.get(i));
                plan.addInto(sum, plan.encode(update, randoms.get(i),
                        new DiscreteGaussian(plan.siteVariance(), noises.get(i))));
            }
            assertEquals(Coordinator.sumDigest(sum), r.sumSha256().orElseThrow(), "round " + r.round());
            double[] noisy = plan.decode(sum);
            for (int j = 0; j < params.length; j++) {
                params[j] += 1.0 * noisy[j] / 4;
            }
            assertEquals(plan.effectiveNoiseMultiplier(4), r.noisePresent());
        }
        assertEquals(2, reports.size());
        assertArrayEquals(params, result.parameters(), 0.0, "bit for bit");

        WireCodec codec = new WireCodec(WireCodec.Limits.DEFAULT);
        int masked = 0;
        for (SiteLinks.Inbound in : seen) {
            Framing.Frame frame = in.frame().orElseThrow();
            if (frame.channel() == Framing.CONTROL) {
                assertFalse(Control.decode(frame.payload()) instanceof Control.PlainUpdate, "no plain update");
                continue;
            }
            if (codec.decodeToServer(frame.payload()) instanceof WireCodec.Decoded.Ok<Messages.ToServer> ok
                    && ok.message() instanceof Messages.MaskedInput y) {
                masked++;
                for (List<long[]> inputs : f.revealed.values()) {
                    for (long[] x : inputs) {
                        assertFalse(java.util.Arrays.equals(x, y.masked()), "a site's own vector reached the coordinator");
                        assertTrue(agreeing(x, y.masked()) < x.length / 2, "masked vectors look unlike every input");
                    }
                }
            }
        }
        assertEquals(8, masked, "four masked vectors per round, two rounds");
    }

    private static int agreeing(long[] a, long[] b) {
        int same = 0;
        for (int j = 0; j < a.length; j++) {
            same += a[j] == b[j] ? 1 : 0;
        }
        return same;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSitesPolicyRefusesADistributedDpTaskWhoseEpsilonIsAboveItsLimitAndTheOthersStillSum() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        Control.Privacy oneRound = distributed(1, 3);
        SitePolicy strict = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), spends(oneRound) / 2, 10,
                false, 1.0 / 3);
        Coordinator.Settings s = settings(f, "full", 1, spends(oneRound), oneRound, Optional.empty(), 1);
        List<Coordinator.RoundReport> reports = new ArrayList<>();
        try (SiteLinks links = f.listen()) {
            start(f, links, 4, i -> seeded(f, i, i == 4 ? strict : FlNetFixture.OPEN, Site.InsecureTestHooks.NONE));
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            new Coordinator(f.roster, links, s, e -> { })
                    .run(new LogisticRegression(2, 2).initialParameters(new Random(1)), reports::add);
        }
        assertEquals(Map.of("site-4", "EPSILON_PER_TASK"), reports.get(0).refusals());
        assertEquals(Set.of(1, 2, 3), reports.get(0).survivors());
        assertFalse(f.revealed.containsKey(4), "the refusing site computed nothing");
        Control.Task sent = new Control.Task("fed-test", 1, 1, "logreg", 0, f.schema(), 0.8, 1, 16, 0.1, 4, 16, 1024,
                s.aggregation(), oneRound, List.of(2, 5, 7), new double[6]);
        Control.Task back = (Control.Task) Control.decode(Control.encode(sent));
        assertEquals(oneRound, back.privacy(), "the task frame carries the DP parameters");
        assertEquals(List.of(2, 5, 7), back.group());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCoordinatorDeclaringLessEpsilonThanItsNoiseSpendsIsRefusedByEverySiteAndNothingIsComputed()
            throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        Control.Privacy weakNoise = new Control.Privacy("distributed", 2.0, 3, 32, 1, 1e-5);
        assertTrue(spends(weakNoise) > FlNetFixture.OPEN.maxEpsilonPerTask(), "above every site's limit in truth");
        Coordinator.Settings s = settings(f, "full", 1, 0.5, weakNoise, Optional.empty(), 1);
        List<Coordinator.RoundReport> reports = new ArrayList<>();
        List<String> events = new CopyOnWriteArrayList<>();
        try (SiteLinks links = f.listen()) {
            start(f, links, 4, i -> seeded(f, i, FlNetFixture.OPEN, Site.InsecureTestHooks.NONE));
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            new Coordinator(f.roster, links, s, events::add)
                    .run(new LogisticRegression(2, 2).initialParameters(new Random(1)), reports::add);
        }
        Set<String> refusing = new TreeSet<>();
        for (String e : events) {
            if (e.startsWith("fl.task-refused") && e.endsWith("code=EPSILON_UNDERSTATED")) {
                refusing.add(e.replaceAll(".* site=(\\d+) .*", "$1"));
            }
        }
        assertEquals(Set.of("1", "2", "3", "4"), refusing, events + " " + f.events);
        assertTrue(reports.get(0).sumSha256().isEmpty(), "no sum");
        assertTrue(f.revealed.isEmpty(), "no site computed an update");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theSitesRefuseToUnmaskWhenFewerSurviveThanTheBudgetAssumed() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        SitePolicy noDp = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 0.1, 10, false, 1.0 / 3);
        Control.Privacy needsAll = distributed(1, 4);
        Coordinator.Settings s = settings(f, "full", 1, spends(needsAll), needsAll, Optional.empty(), 1);
        List<Coordinator.RoundReport> reports = new ArrayList<>();
        double[] initial = new LogisticRegression(2, 2).initialParameters(new Random(1));
        Coordinator.Result result;
        try (SiteLinks links = f.listen()) {
            start(f, links, 4, i -> seeded(f, i, i == 4 ? noDp : FlNetFixture.OPEN, Site.InsecureTestHooks.NONE));
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            result = new Coordinator(f.roster, links, s, e -> { }).run(initial, reports::add);
        }
        assertTrue(reports.get(0).sumSha256().isEmpty(), "no sum: three survivors, the budget assumed four");
        assertArrayEquals(initial, result.parameters(), 0.0, "the model is unchanged");
        assertTrue(f.events.stream().anyMatch(e -> e.contains("fl.site.round-aborted")), f.events.toString());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void robustMedianOverThreeSecureGroupsWithOneSignFlippingSiteStaysNearTheCleanRun() throws Exception {
        double clean = robustRun(dir.resolve("clean"), Optional.empty(), RobustAggregation.Rule.MEDIAN);
        double attacked = robustRun(dir.resolve("attacked"), Optional.of(3), RobustAggregation.Rule.MEDIAN);
        double meanAttacked = robustRun(dir.resolve("mean"), Optional.of(3), RobustAggregation.Rule.MEAN);
        System.out.printf("robust net: clean median %.4f, attacked median %.4f, attacked mean %.4f%n", clean, attacked,
                meanAttacked);
        assertTrue(clean > 0.75, "the clean run learns: " + clean);
        assertTrue(meanAttacked < clean - 0.2, "the attack bites the plain mean of the groups: " + meanAttacked);
        assertTrue(attacked >= clean - 0.05, "median over groups stays near clean: " + attacked + " vs " + clean);
    }

    /** Ten sites, groups of at least 3 (so 4, 3, 3), secure aggregation per group; returns the final accuracy. */
    private static double robustRun(Path dir, Optional<Integer> attacker, RobustAggregation.Rule rule)
            throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 10);
        java.util.function.UnaryOperator<double[]> flip = u -> {
            double[] out = new double[u.length];
            for (int j = 0; j < u.length; j++) {
                out[j] = -FLIP * u[j]; // the sign flipped and boosted, so that one site outweighs its group
            }
            return out;
        };
        Coordinator.Settings s = settings(f, "full", 4, 0, Control.Privacy.NONE, Optional.of(rule), 3);
        TrainingData test = f.schema().encode(FlNetFixture.data(999, 600));
        LogisticRegression model = new LogisticRegression(2, 2);
        List<Coordinator.RoundReport> reports = new ArrayList<>();
        try (SiteLinks links = f.listen()) {
            start(f, links, 10, i -> seeded(f, i, FlNetFixture.OPEN, attacker.equals(Optional.of(i))
                    ? new Site.InsecureTestHooks(0, null, x -> { }, flip) : Site.InsecureTestHooks.NONE));
            assertEquals(10, links.awaitSites(java.time.Duration.ofSeconds(20)));
            new Coordinator(f.roster, links, s, e -> { }, p -> model.accuracy(p, test))
                    .run(model.initialParameters(new Random(1)), reports::add);
        }
        for (Coordinator.RoundReport r : reports) {
            assertEquals(3, r.groups().size(), "three groups");
            TreeSet<Integer> all = new TreeSet<>();
            for (List<Integer> g : r.groups()) {
                assertTrue(g.size() >= 3 && g.size() <= 4, "group sizes 3 to 4: " + r.groups());
                all.addAll(g);
            }
            assertEquals(10, all.size(), "every site in one group");
            assertEquals(all, r.survivors());
        }
        return reports.getLast().testAccuracy();
    }
}
