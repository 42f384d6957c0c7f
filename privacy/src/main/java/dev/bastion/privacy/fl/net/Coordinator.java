package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.Messages;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Quantizer;
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
 */
public final class Coordinator {

    /** What to train and how. */
    public record Settings(String model, int hidden, FeatureSchema schema, int rounds, Control.Aggregation aggregation,
            double epsilon, int localEpochs, int batchSize, double learningRate, double clip, int levelBits,
            long maxCount, int maxAttempts) {
        public Settings {
            if (rounds < 1 || maxAttempts < 1 || localEpochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("rounds, attempts, epochs, batch size and learning rate must be positive");
            }
        }
    }

    /** One stage of a round: who sent, bytes each way (frames on the wire), seconds. */
    public record StageReport(String stage, int senders, long bytesUp, long bytesDown, double seconds) {
    }

    /** One training round. {@code sumSha256} is over the summed vector (the output), for reproducibility checks. */
    public record RoundReport(int round, int attempts, List<String> abortedAttempts, Map<String, String> refusals,
            SortedSet<Integer> survivors, long examples, int bits, int threshold, List<StageReport> stages,
            double seconds, Optional<String> sumSha256, double testAccuracy) {
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

    public Result run(double[] initial, Consumer<RoundReport> onRound) throws InterruptedException {
        double[] params = initial.clone();
        List<RoundReport> reports = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            List<String> aborted = new ArrayList<>();
            RoundReport report = null;
            int attempt = 1;
            for (; attempt <= settings.maxAttempts() && report == null; attempt++) {
                Attempt a = attempt(round, params);
                if (a.failure != null) {
                    aborted.add("attempt " + attempt + ": " + a.failure);
                    events.accept("fl.round-aborted round=" + round + " attempt=" + attempt + " reason=" + a.failure);
                    continue;
                }
                Quantizer q = RoundPlan.quantizer(a.task, roster.sites().size());
                double[] decoded = q.decode(a.sum);
                long count = Math.round(decoded[decoded.length - 1]);
                if (count > 0) {
                    for (int j = 0; j < params.length; j++) {
                        params[j] += decoded[j] / count;
                    }
                }
                report = new RoundReport(round, attempt, aborted, a.refusals, a.survivors, count, q.bits(),
                        a.threshold, a.stages, seconds(a.started), Optional.of(sha256(a.sum)), evaluate.applyAsDouble(params));
                events.accept("fl.round-done round=" + round + " survivors=" + a.survivors + " examples=" + count);
            }
            if (report == null) {
                report = new RoundReport(round, attempt - 1, aborted, Map.of(), new TreeSet<>(), 0, 0, 0, List.of(), 0,
                        Optional.empty(), evaluate.applyAsDouble(params));
                events.accept("fl.round-lost round=" + round + " (model unchanged)");
            }
            reports.add(report);
            onRound.accept(report);
        }
        links.finish("training finished");
        return new Result(params, reports);
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

    private Attempt attempt(int round, double[] params) throws InterruptedException {
        Attempt a = new Attempt();
        byte[] seed = new byte[32];
        secure.nextBytes(seed);
        Control.Aggregation g = settings.aggregation();
        a.task = new Control.Task(roster.federation(), nextRoundId++, round, settings.model(), settings.hidden(),
                settings.schema(), settings.epsilon(), settings.localEpochs(), settings.batchSize(),
                settings.learningRate(), settings.clip(), settings.levelBits(), settings.maxCount(),
                new Control.Aggregation(g.mode(), g.tolerance(), g.corrupt(), seed, g.stageTimeoutMillis()), params);
        links.drain();
        long bytesDown = links.broadcast(Framing.CONTROL, Control.encode(a.task));
        SortedSet<Integer> accepted = new TreeSet<>();
        SortedSet<Integer> asked = links.live();
        boolean plain = g.mode().equals("off");
        SecAggConfig config = plain ? null : RoundPlan.config(a.task, roster.sites().size());
        SecAggServer server = plain ? null : new SecAggServer(config, Instant.now());
        a.threshold = plain ? 0 : config.threshold();
        Quantizer q = RoundPlan.quantizer(a.task, roster.sites().size());
        long[] plainSum = new long[params.length + 1];
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
                            && accepted.contains(site) && !answered.contains(site) && p.bits() == q.bits()
                            && p.values().length == plainSum.length) {
                        q.addInto(plainSum, p.values());
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
                            if (ok.message().header().sender() != site) {
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
                        expected.add(m.recipient());
                        bytesDown += links.send(m.recipient(), Framing.SECAGG, codec.encode(m));
                    }
                    stageName = send.stage().name().toLowerCase(java.util.Locale.ROOT);
                }
                case SecAggServer.Step.Done done -> {
                    a.sum = done.sum();
                    a.survivors = done.included();
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
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length);
            for (long v : values) {
                b.putLong(v);
            }
            return HexFormat.of().formatHex(d.digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 the reports carry for a summed vector: for tests comparing with a plaintext sum. */
    public static String sumDigest(long[] sum) {
        return sha256(sum);
    }
}
