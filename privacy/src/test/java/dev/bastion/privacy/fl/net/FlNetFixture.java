package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A federation of n sites in a temporary directory, with two Gaussian classes per site, for the transport tests. */
final class FlNetFixture {
    final Path dir;
    final Roster roster;
    final Identity coordinator;
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<Integer, List<long[]>> revealed = new ConcurrentHashMap<>();
    static final SitePolicy OPEN = new SitePolicy(Set.of("logreg", "mlp"), Set.of("a", "b", "label"), 1, 10, false, 1.0 / 3);

    FlNetFixture(Path dir, int sites) throws IOException {
        this.dir = dir;
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= sites; i++) {
            names.add("site-" + i);
        }
        roster = FederationSetup.create("fed-test", names, dir, Instant.now());
        coordinator = Identity.load(dir.resolve("coordinator"));
    }

    static Table data(long seed, int rows) {
        Random r = new Random(seed);
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            boolean positive = r.nextBoolean();
            double shift = positive ? 1 : -1;
            out.add(new String[] {Double.toString(shift + r.nextGaussian()), Double.toString(shift + r.nextGaussian()),
                    positive ? "yes" : "no"});
        }
        return Table.of(List.of("a", "b", "label"), out);
    }

    FeatureSchema schema() {
        return FeatureSchema.of(data(0, 400), "label");
    }

    Site site(int id, SitePolicy policy, Site.InsecureTestHooks hooks) throws IOException {
        Identity me = Identity.load(dir.resolve("sites").resolve("site-" + id));
        Site.InsecureTestHooks withReveal = new Site.InsecureTestHooks(hooks.stallRound(), hooks.stallStage(), x -> {
            revealed.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(x);
            hooks.revealInput().accept(x);
        });
        return new Site(roster, me, data(id, 60 + 10 * id), "label", policy, 0, e -> { },
                new Random(id), e -> events.add(id + " " + e),
                withReveal);
    }

    /** A site whose DP noise is seeded ({@code 100 + id}): for bit-for-bit comparisons with the one-JVM path. */
    Site seededSite(int id, SitePolicy policy, Site.InsecureTestHooks hooks) throws IOException {
        Identity me = Identity.load(dir.resolve("sites").resolve("site-" + id));
        Site.InsecureTestHooks withReveal = new Site.InsecureTestHooks(hooks.stallRound(), hooks.stallStage(), x -> {
            revealed.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(x);
            hooks.revealInput().accept(x);
        }, hooks.poisonUpdate());
        return new Site(roster, me, data(id, rows(id)), "label", policy, 0, e -> { }, new Random(id),
                DpRandom.insecureSeeded(100 + id), e -> events.add(id + " " + e), withReveal);
    }

    static int rows(int id) {
        return 60 + 10 * id;
    }

    SiteLinks listen() throws IOException {
        return SiteLinks.listen(roster, coordinator, InetAddress.getLoopbackAddress(), 0, 1 << 24, e -> events.add("c " + e));
    }

    Coordinator.Settings settings(String mode, int rounds, String model, double epsilon) {
        return new Coordinator.Settings(model, 4, schema(), rounds,
                new Control.Aggregation(mode, 1.0 / 3, 0.1, new byte[32], 4000), epsilon, 1, 16, 0.1, 4, 16, 1024, 2);
    }

    /** Sum in Z_2^bits of the first input each listed site revealed for the given training round. */
    long[] plainSum(Set<Integer> sites, int attemptIndex, int bits) {
        long[] sum = null;
        for (int s : sites) {
            long[] x = revealed.get(s).get(attemptIndex);
            if (sum == null) {
                sum = new long[x.length];
            }
            for (int j = 0; j < x.length; j++) {
                sum[j] = (sum[j] + x[j]) & ((1L << bits) - 1);
            }
        }
        return sum;
    }
}
