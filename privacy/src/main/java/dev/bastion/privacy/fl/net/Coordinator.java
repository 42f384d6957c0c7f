package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.fl.DistributedDp;
import dev.bastion.privacy.fl.Messages;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.RobustAggregation;
import dev.bastion.privacy.fl.RobustFederatedAveraging;
import dev.bastion.privacy.fl.SecAggConfig;
import dev.bastion.privacy.fl.SecAggServer;
import dev.bastion.privacy.fl.WireCodec;
import dev.bastion.privacy.fl.WireReader;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The coordinator ({@code bastion fl serve}): waits for the roster's sites to dial in ({@link SiteLinks}), then runs
 * FedAvg rounds: it sends each live site the {@link Control.Task}, collects answers (a refusal is a code), and runs
 * {@link SecAggServer} over the sites' frames with real stage deadlines; a site whose connection drops counts as
 * gone at once, one that stays silent until the stage deadline as a dropout. A round that aborts (too few left) is
 * retried with a new round number, fresh keys and a fresh round seed, up to {@code maxAttempts}; then it is lost and
 * the model is unchanged. The coordinator learns the sum over the survivors and nothing else; reports and events
 * carry counts, ids, bytes, times and the sum's SHA-256, never an update. One thread drives the rounds.
 *
 * <p>With {@link Control.Privacy} central, sites send clipped unweighted updates and the coordinator adds Gaussian
 * noise of z·clip to their sum; distributed, it decodes the noisy modular sum with the same
 * {@link DistributedDp} plan the sites encoded with; both divide by the roster size (every site every round). With
 * a robust rule, each round's sites are dealt into groups from the public round seed, each group is one secure
 * aggregation instance (one after another), and {@link RobustAggregation} runs over the group means.
 */
public final class Coordinator {

    /**
     * What to train and how. {@code privacy} is the DP of every task; {@code robust}, when present, deals the sites
     * each round into random groups of at least {@code groupSize} (from the public round seed), sums each group
     * (one secure aggregation instance per group, or in the clear with aggregation off) and runs the rule over the
     * group means with {@code byzantineFraction} assumed bad.
     */
    public record Settings(String model, int hidden, FeatureSchema schema, int rounds, Control.Aggregation aggregation,
            double epsilon, int localEpochs, int batchSize, double learningRate, double clip, int levelBits,
            long maxCount, int maxAttempts, Control.Privacy privacy, Optional<RobustAggregation.Rule> robust,
            int groupSize, double byzantineFraction) {
        public Settings {
            if (rounds < 1 || maxAttempts < 1 || localEpochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("rounds, attempts, epochs, batch size and learning rate must be positive");
            }
            if (privacy.on() && privacy.rounds() != rounds) {
                throw new IllegalArgumentException("the DP parameters cover " + privacy.rounds() + " rounds, the run "
                        + "has " + rounds + ": sites refuse rounds past the ones their ε was computed over");
            }
            if (robust.isPresent() && (groupSize < 1 || !privacy.dp().equals("off")
                    || robust.get() == RobustAggregation.Rule.FLTRUST
                    || (groupSize < 3 && !aggregation.mode().equals("off")))) {
                throw new IllegalArgumentException("robust aggregation over the network needs --dp off, a rule other "
                        + "than fltrust, and groups of at least 3 under secure aggregation (or --secagg off)");
            }
        }

        /** Settings without DP or robust aggregation. */
        public Settings(String model, int hidden, FeatureSchema schema, int rounds, Control.Aggregation aggregation,
                double epsilon, int localEpochs, int batchSize, double learningRate, double clip, int levelBits,
                long maxCount, int maxAttempts) {
            this(model, hidden, schema, rounds, aggregation, epsilon, localEpochs, batchSize, learningRate, clip,
                    levelBits, maxCount, maxAttempts, Control.Privacy.NONE, Optional.empty(), 1, 0);
        }
    }

    /** One stage of a round: who sent, bytes each way (frames on the wire), seconds. */
    public record StageReport(String stage, int senders, long bytesUp, long bytesDown, double seconds) {
    }

    /** One training round. {@code sumSha256} is over the summed vector (the output), for reproducibility checks. */
    public record RoundReport(int round, int attempts, List<String> abortedAttempts, Map<String, String> refusals,
            SortedSet<Integer> survivors, long examples, int bits, int threshold, List<StageReport> stages,
            double seconds, Optional<String> sumSha256, double testAccuracy, List<List<Integer>> groups,
            double noisePresent, String roundSeed) {
    }

    public record Result(double[] parameters, List<RoundReport> rounds) {
    }

    private final Roster roster;
    private final SiteLinks links;
    private final Settings settings;
    private final Consumer<String> events;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.DEFAULT);
    private final SecureRandom secure = new SecureRandom();
    private final Duration stageTimeout;
    private final java.util.function.ToDoubleFunction<double[]> evaluate;
    private DpRandom noise = DpRandom.secure();
    private long nextRoundId = 1;

    public Coordinator(Roster roster, SiteLinks links, Settings settings, Consumer<String> events) {
        this(roster, links, settings, events, p -> Double.NaN);
    }

    /** @param evaluate the accuracy of the global parameters on the coordinator's own test rows, after each round */
    public Coordinator(Roster roster, SiteLinks links, Settings settings, Consumer<String> events,
            java.util.function.ToDoubleFunction<double[]> evaluate) {
        this.evaluate = evaluate;
        this.roster = roster;
        this.links = links;
        this.settings = settings;
        this.events = events;
        this.stageTimeout = Duration.ofMillis(settings.aggregation().stageTimeoutMillis());
    }

    /** Central DP's noise ({@link DpRandom#secure()} unless a test seeds it); returns this. */
    public Coordinator noise(DpRandom noise) {
        this.noise = noise;
        return this;
    }

    public Result run(double[] initial, Consumer<RoundReport> onRound) throws InterruptedException {
        double[] params = initial.clone();
        List<RoundReport> reports = new ArrayList<>();
        int n = roster.sites().size();
        for (int round = 1; round <= settings.rounds(); round++) {
            List<String> aborted = new ArrayList<>();
            RoundReport report = null;
            int attempt = 1;
            for (; attempt <= settings.maxAttempts() && report == null; attempt++) {
                long started = System.nanoTime();
                byte[] seed = new byte[32];
                secure.nextBytes(seed);
                List<List<Integer>> groups = groups(seed);
                List<Attempt> done = new ArrayList<>();
                for (List<Integer> group : groups) {
                    Attempt a = attempt(round, params, group, seed);
                    if (a.failure != null) {
                        aborted.add("attempt " + attempt + (group.isEmpty() ? "" : " group " + group) + ": " + a.failure);
                        events.accept("fl.round-aborted round=" + round + " attempt=" + attempt + " reason=" + a.failure);
                    } else {
                        done.add(a);
                    }
                }
                if (done.isEmpty()) {
                    continue;
                }
                Attempt first = done.getFirst();
                double present = Double.NaN;
                long count;
                if (settings.robust().isPresent()) {
                    count = robustStep(done, params);
                } else if (settings.privacy().distributed()) {
                    DistributedDp plan = RoundPlan.dpPlan(first.task, n);
                    double[] noisy = plan.decode(first.sum);
                    for (int j = 0; j < params.length; j++) {
                        params[j] += noisy[j] / n; // fixed denominator q·N, q = 1: every site is asked every round
                    }
                    present = plan.effectiveNoiseMultiplier(first.survivors.size());
                    count = first.survivors.size();
                } else {
                    double[] decoded = RoundPlan.quantizer(first.task, n).decode(first.sum);
                    count = Math.round(decoded[decoded.length - 1]);
                    if (settings.privacy().central()) {
                        double sigma = settings.privacy().noiseMultiplier() * settings.clip();
                        for (int j = 0; j < params.length; j++) {
                            params[j] += (decoded[j] + sigma * noise.generator().nextGaussian()) / n;
                        }
                        present = settings.privacy().noiseMultiplier();
                    } else if (count > 0) {
                        for (int j = 0; j < params.length; j++) {
                            params[j] += decoded[j] / count;
                        }
                    }
                }
                Map<String, String> refusals = new TreeMap<>();
                SortedSet<Integer> survivors = new TreeSet<>();
                List<StageReport> stages = new ArrayList<>();
                List<long[]> sums = new ArrayList<>();
                for (Attempt a : done) {
                    refusals.putAll(a.refusals);
                    survivors.addAll(a.survivors);
                    stages.addAll(a.stages);
                    sums.add(a.sum);
                }
                report = new RoundReport(round, attempt, aborted, refusals, survivors, count,
                        RoundPlan.bits(first.task, n), first.threshold, stages, seconds(started),
                        Optional.of(sha256(sums)), evaluate.applyAsDouble(params),
                        settings.robust().isPresent() ? groups : List.of(), present, HexFormat.of().formatHex(seed));
                events.accept("fl.round-done round=" + round + " survivors=" + survivors + " examples=" + count);
            }
            if (report == null) {
                report = new RoundReport(round, attempt - 1, aborted, Map.of(), new TreeSet<>(), 0, 0, 0, List.of(), 0,
                        Optional.empty(), evaluate.applyAsDouble(params), List.of(), Double.NaN, "");
                events.accept("fl.round-lost round=" + round + " (model unchanged)");
            }
            reports.add(report);
            onRound.accept(report);
        }
        links.finish("training finished");
        return new Result(params, reports);
    }

    /** The round's groups of roster ids, from the public round seed (one empty group: every site together). */
    private List<List<Integer>> groups(byte[] seed) {
        if (settings.robust().isEmpty()) {
            return List.of(List.of());
        }
        int n = roster.sites().size();
        List<List<Integer>> out = new ArrayList<>();
        for (int[] g : RobustFederatedAveraging.groups(n, settings.groupSize(),
                new SplittableRandom(java.nio.ByteBuffer.wrap(seed).getLong()))) {
            List<Integer> ids = new ArrayList<>();
            for (int u : g) {
                ids.add(u + 1);
            }
            java.util.Collections.sort(ids);
            out.add(List.copyOf(ids));
        }
        return out;
    }

    /** The robust rule over the summed groups' means (example-weighted); adds its step; returns the examples. */
    private long robustStep(List<Attempt> done, double[] params) {
        List<double[]> inputs = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        long total = 0;
        for (Attempt a : done) {
            double[] decoded = RoundPlan.quantizer(a.task, roster.sites().size()).decode(a.sum);
            long count = Math.round(decoded[decoded.length - 1]);
            if (count <= 0) {
                continue;
            }
            double[] mean = new double[params.length];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = decoded[j] / count;
            }
            inputs.add(mean);
            weights.add((double) count);
            total += count;
        }
        if (!inputs.isEmpty()) {
            double[] step = RobustAggregation.aggregate(settings.robust().orElseThrow(), inputs,
                    weights.stream().mapToDouble(Double::doubleValue).toArray(), settings.byzantineFraction(), null);
            for (int j = 0; j < params.length; j++) {
                params[j] += step[j];
            }
        }
        return total;
    }

    /** One attempt's state: the task, and as stages close, stats and either the sum or why it failed. */
    private final class Attempt {
        final long started = System.nanoTime();
        Control.Task task;
        Map<String, String> refusals = new TreeMap<>();
        List<StageReport> stages = new ArrayList<>();
        SortedSet<Integer> survivors = new TreeSet<>();
        long[] sum;
        int threshold;
        String failure;
    }

    private Attempt attempt(int round, double[] params, List<Integer> group, byte[] seed)
            throws InterruptedException {
        Attempt a = new Attempt();
        Control.Aggregation g = settings.aggregation();
        a.task = new Control.Task(roster.federation(), nextRoundId++, round, settings.model(), settings.hidden(),
                settings.schema(), settings.epsilon(), settings.localEpochs(), settings.batchSize(),
                settings.learningRate(), settings.clip(), settings.levelBits(), settings.maxCount(),
                new Control.Aggregation(g.mode(), g.tolerance(), g.corrupt(), seed, g.stageTimeoutMillis()),
                settings.privacy(), group, params);
        links.drain();
        SortedSet<Integer> asked = links.live();
        if (!group.isEmpty()) {
            asked.retainAll(group);
        }
        byte[] taskFrame = Control.encode(a.task);
        long bytesDown = 0;
        for (int site : asked) {
            bytesDown += links.send(site, Framing.CONTROL, taskFrame);
        }
        SortedSet<Integer> accepted = new TreeSet<>();
        boolean plain = g.mode().equals("off");
        int n = roster.sites().size();
        SecAggConfig config = plain ? null : RoundPlan.config(a.task, n);
        SecAggServer server = plain ? null : new SecAggServer(config, Instant.now());
        a.threshold = plain ? 0 : config.threshold();
        int bits = RoundPlan.bits(a.task, n);
        long[] plainSum = new long[RoundPlan.length(a.task, n)];
        long stageStart = System.nanoTime();
        long bytesUp = 0;
        int senders = 0;
        SortedSet<Integer> expected = new TreeSet<>(asked);
        SortedSet<Integer> answered = new TreeSet<>();
        Instant deadline = Instant.now().plus(stageTimeout);
        Duration skew = Duration.ZERO; // how far the server's clock was moved ahead when every silent site had left
        String stageName = plain ? "plain_update" : Stage.ADVERTISE_KEYS.name().toLowerCase(java.util.Locale.ROOT);
        while (true) {
            long waitMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            SiteLinks.Inbound in = links.poll(waitMs, TimeUnit.MILLISECONDS);
            if (in != null && in.frame().isPresent()) {
                Framing.Frame f = in.frame().get();
                int site = in.site();
                if (f.channel() == Framing.CONTROL) {
                    Control.Message m;
                    try {
                        m = Control.decode(f.payload());
                    } catch (WireReader.Malformed e) {
                        events.accept("fl.frame-refused site=" + site + " reason=" + e.getMessage());
                        continue;
                    }
                    if (m instanceof Control.Answer ans && ans.round() == a.task.round()) {
                        bytesUp += f.wireBytes();
                        if (ans.refusal().isPresent()) {
                            a.refusals.put(roster.sites().get(site - 1).name(), ans.refusal().get().name());
                            events.accept("fl.task-refused round=" + round + " site=" + site + " code="
                                    + ans.refusal().get());
                            expected.remove(site);
                        } else {
                            accepted.add(site);
                        }
                    } else if (plain && m instanceof Control.PlainUpdate p && p.round() == a.task.round()
                            && accepted.contains(site) && !answered.contains(site) && p.bits() == bits
                            && p.values().length == plainSum.length) {
                        for (int j = 0; j < plainSum.length; j++) {
                            plainSum[j] = (plainSum[j] + p.values()[j]) & ((1L << bits) - 1);
                        }
                        answered.add(site);
                        bytesUp += f.wireBytes();
                        senders++;
                    } else {
                        events.accept("fl.frame-refused site=" + site + " reason=unexpected control message");
                    }
                } else if (!plain) {
                    switch (codec.decodeToServer(f.payload())) {
                        case WireCodec.Decoded.Refused<Messages.ToServer> r ->
                                events.accept("fl.frame-refused site=" + site + " reason=" + r.reason());
                        case WireCodec.Decoded.Ok<Messages.ToServer> ok -> {
                            if (ok.message().header().sender() != RoundPlan.secaggId(a.task, site)) {
                                events.accept("fl.frame-refused site=" + site + " reason=sender is not the TLS peer");
                            } else if (server.receive(ok.message()) instanceof SecAggServer.Receipt.Accepted) {
                                answered.add(site);
                                bytesUp += f.wireBytes();
                                senders++;
                            } else {
                                events.accept("fl.frame-refused site=" + site + " reason=not expected now (replay?)");
                            }
                        }
                    }
                }
            }
            SortedSet<Integer> waitingFor = new TreeSet<>(expected);
            waitingFor.removeAll(answered);
            waitingFor.retainAll(links.live());
            boolean timedOut = !Instant.now().isBefore(deadline);
            if (!waitingFor.isEmpty() && !timedOut) {
                continue;
            }
            if (plain) {
                a.stages.add(new StageReport(stageName, senders, bytesUp, bytesDown, seconds(stageStart)));
                if (answered.isEmpty()) {
                    a.failure = "no site sent an update";
                    return a;
                }
                if (settings.privacy().distributed() && answered.size() < settings.privacy().minSurvivors()) {
                    a.failure = "fewer survivors than the DP budget assumed";
                    return a;
                }
                a.sum = plainSum;
                a.survivors = answered;
                return a;
            }
            // every expected site answered, left, or the deadline passed: close the stage now
            Instant now = Instant.now().plus(skew);
            SecAggServer.Step step = server.close(now);
            if (step instanceof SecAggServer.Step.Waiting w) {
                skew = skew.plus(Duration.between(now, w.deadline())).plusMillis(1);
                step = server.close(Instant.now().plus(skew));
            }
            a.stages.add(new StageReport(stageName, senders, bytesUp, bytesDown, seconds(stageStart)));
            switch (step) {
                case SecAggServer.Step.Send send -> {
                    bytesDown = 0;
                    expected = new TreeSet<>();
                    for (Messages.ToClient m : send.messages()) {
                        int to = RoundPlan.rosterId(a.task, m.recipient());
                        expected.add(to);
                        bytesDown += links.send(to, Framing.SECAGG, codec.encode(m));
                    }
                    stageName = send.stage().name().toLowerCase(java.util.Locale.ROOT);
                }
                case SecAggServer.Step.Done done -> {
                    a.sum = done.sum();
                    for (int id : done.included()) {
                        a.survivors.add(RoundPlan.rosterId(a.task, id));
                    }
                    return a;
                }
                case SecAggServer.Step.Aborted ab -> {
                    a.failure = ab.reason();
                    return a;
                }
                case SecAggServer.Step.Waiting w -> throw new IllegalStateException("the stage did not close");
            }
            answered = new TreeSet<>();
            stageStart = System.nanoTime();
            bytesUp = 0;
            senders = 0;
            deadline = Instant.now().plus(stageTimeout);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String sha256(long[] values) {
        return sha256(List.of(values));
    }

    /** Over the sums in order (one per group). */
    static String sha256(List<long[]> sums) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (long[] values : sums) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length);
                for (long v : values) {
                    b.putLong(v);
                }
                d.update(b.array());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 the reports carry for a summed vector: for tests comparing with a plaintext sum. */
    public static String sumDigest(long[] sum) {
        return sha256(sum);
    }
}
