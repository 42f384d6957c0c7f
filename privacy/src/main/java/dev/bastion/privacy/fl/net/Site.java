package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.dp.DiscreteGaussian;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.fl.DistributedDp;
import dev.bastion.privacy.fl.FederatedAveraging;
import dev.bastion.privacy.fl.Messages;
import dev.bastion.privacy.fl.Quantizer;
import dev.bastion.privacy.fl.SecAggClient;
import dev.bastion.privacy.fl.WireCodec;
import dev.bastion.privacy.fl.WireReader;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLSocket;

/**
 * A site ({@code bastion fl join}): dials the coordinator over mutual TLS (it opens no port), pinning the
 * coordinator's certificate from the signed roster; for each task checks its {@link SitePolicy}, encodes its own
 * rows with the task's schema, trains from the sent parameters, quantises its update and takes part in the
 * secure aggregation round as roster id u, answering nothing once its {@link SecAggClient} aborts. Its update
 * leaves only masked (or, with aggregation off, as the plain quantised vector the policy allowed). Under a DP
 * task it is clipped first, and with distributed DP rotated, rounded and given this site's discrete Gaussian share
 * ({@link DistributedDp#encode}) before masking; the client then refuses to unmask below the assumed survivors.
 * Events go to {@code events} (task accepted or refused and why, round aborts); never data or updates. One thread.
 */
public final class Site {

    /** Test hooks, named so grep finds them: a stall (for kill -9 tests) and a copy of the quantised input. */
    public record InsecureTestHooks(int stallRound, Messages.Stage stallStage, Consumer<long[]> revealInput,
            java.util.function.UnaryOperator<double[]> poisonUpdate) {
        public static final InsecureTestHooks NONE = new InsecureTestHooks(0, null, x -> { });

        public InsecureTestHooks(int stallRound, Messages.Stage stallStage, Consumer<long[]> revealInput) {
            this(stallRound, stallStage, revealInput, u -> u);
        }
    }

    /** How the run ended. */
    public sealed interface Outcome {
        record Finished(String reason, int roundsTakenPart) implements Outcome {
        }

        record Disconnected(String reason) implements Outcome {
        }
    }

    /** A coordinator silent this long between two frames is taken to be gone (it waits on stage timeouts). */
    static final int IDLE_TIMEOUT_MS = 30 * 60_000;

    private final Roster roster;
    private final Identity identity;
    private final Roster.Site me;
    private final Table table;
    private final String label;
    private final java.util.function.DoubleConsumer charge;
    private final SitePolicy policy;
    private final double spentBefore;
    private final RandomGenerator random;
    private final DpRandom noise;
    private final Consumer<String> events;
    private final InsecureTestHooks hooks;
    private final WireCodec codec = new WireCodec(WireCodec.Limits.DEFAULT);
    private final SecureRandom secure = new SecureRandom();

    /**
     * @param label the column this site agreed to predict; a task naming another label is refused
     * @param spentEpsilon the ε this site accepted before this run (from its ledger)
     * @param charge told the ε of each task once, when the site first accepts it
     */
    public Site(Roster roster, Identity identity, Table table, String label, SitePolicy policy, double spentEpsilon,
            java.util.function.DoubleConsumer charge, RandomGenerator random, Consumer<String> events,
            InsecureTestHooks hooks) {
        this(roster, identity, table, label, policy, spentEpsilon, charge, random, DpRandom.secure(), events, hooks);
    }

    /** @param noise the DP noise of distributed DP ({@link DpRandom#secure()} for anything released) */
    public Site(Roster roster, Identity identity, Table table, String label, SitePolicy policy, double spentEpsilon,
            java.util.function.DoubleConsumer charge, RandomGenerator random, DpRandom noise, Consumer<String> events,
            InsecureTestHooks hooks) {
        this.noise = noise;
        this.roster = roster;
        this.identity = identity;
        this.me = roster.siteByFingerprint(identity.fingerprint()).orElseThrow(() -> new IllegalArgumentException(
                "this key directory's certificate is not in the roster"));
        if (identity.signing().isEmpty()
                || !java.util.Arrays.equals(identity.signing().get().publicKeyX509(), me.signingKey())) {
            throw new IllegalArgumentException("this key directory's signing key is not the one the roster lists");
        }
        this.table = table;
        this.label = label;
        this.charge = charge;
        this.policy = policy;
        this.spentBefore = spentEpsilon;
        this.random = random;
        this.events = events;
        this.hooks = hooks;
    }

    public Roster.Site me() {
        return me;
    }

    public Outcome run(String host, int port, int maxFrameBytes) throws IOException {
        try (SSLSocket socket = (SSLSocket) PinnedTls.context(identity, Set.of(roster.coordinatorFingerprint()))
                .getSocketFactory().createSocket(host, port)) {
            socket.startHandshake();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_TIMEOUT_MS);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Framing.write(out, Framing.CONTROL, Control.encode(new Control.Hello(roster.federation(), me.name())));
            return loop(in, out, maxFrameBytes);
        }
    }

    private Outcome loop(InputStream in, OutputStream out, int maxFrameBytes) throws IOException {
        SecAggClient client = null;
        Map<String, TrainingData> encoded = new HashMap<>();
        boolean charged = false;
        DpClaim claim = new DpClaim();
        int rounds = 0;
        Map<Integer, byte[]> signingKeys = new HashMap<>();
        for (Roster.Site s : roster.sites()) {
            signingKeys.put(s.id(), s.signingKey());
        }
        while (true) {
            Optional<Framing.Frame> frame = Framing.read(in, maxFrameBytes);
            if (frame.isEmpty()) {
                return new Outcome.Disconnected("the coordinator closed the connection");
            }
            if (frame.get().channel() == Framing.SECAGG) {
                if (client == null) {
                    continue;
                }
                switch (codec.decodeToClient(frame.get().payload())) {
                    case WireCodec.Decoded.Refused<Messages.ToClient> r ->
                            events.accept("fl.site.frame-refused reason=" + r.reason());
                    case WireCodec.Decoded.Ok<Messages.ToClient> ok -> {
                        SecAggClient.Reply reply = client.receive(ok.message());
                        switch (reply) {
                            case SecAggClient.Reply.Send s -> {
                                stallIfAsked(rounds, s.message().header().stage());
                                Framing.write(out, Framing.SECAGG, codec.encode(s.message()));
                            }
                            case SecAggClient.Reply.Abort a -> {
                                events.accept("fl.site.round-aborted round=" + ok.message().header().round()
                                        + " reason=" + a.reason());
                                client = null;
                            }
                        }
                    }
                }
                continue;
            }
            Control.Message m;
            try {
                m = Control.decode(frame.get().payload());
            } catch (WireReader.Malformed e) {
                events.accept("fl.site.frame-refused reason=" + e.getMessage());
                continue;
            }
            switch (m) {
                case Control.Finish f -> {
                    return new Outcome.Finished(f.reason(), rounds);
                }
                case Control.Task task -> {
                    client = null;
                    if (!task.group().isEmpty() && !task.group().contains(me.id())) {
                        continue; // not this site's group: the coordinator does not expect an answer
                    }
                    Optional<Control.Refusal> refusal = refuse(task, charged, encoded, claim);
                    Framing.write(out, Framing.CONTROL, Control.encode(new Control.Answer(task.round(), refusal)));
                    if (refusal.isPresent()) {
                        events.accept("fl.site.task-refused round=" + task.trainingRound() + " code="
                                + refusal.get());
                        continue;
                    }
                    claim.accept(task);
                    if (!charged) {
                        charge.accept(task.epsilon());
                        charged = true;
                    }
                    rounds = task.trainingRound();
                    TrainingData data = encoded.computeIfAbsent(task.schema().toString(), k -> task.schema().encode(table));
                    long[] input = siteVector(task, data);
                    hooks.revealInput().accept(input.clone());
                    int n = roster.sites().size();
                    if (task.aggregation().mode().equals("off")) {
                        stallIfAsked(rounds, Messages.Stage.MASKED_INPUT);
                        Framing.write(out, Framing.CONTROL, Control.encode(new Control.PlainUpdate(task.round(),
                                RoundPlan.bits(task, n), input)));
                        continue;
                    }
                    Map<Integer, byte[]> keys = new HashMap<>();
                    for (Roster.Site s : roster.sites()) {
                        if (task.group().isEmpty() || task.group().contains(s.id())) {
                            keys.put(RoundPlan.secaggId(task, s.id()), signingKeys.get(s.id()));
                        }
                    }
                    client = new SecAggClient(RoundPlan.config(task, n), RoundPlan.secaggId(task, me.id()),
                            identity.signing().orElseThrow(), keys, input, secure);
                    if (task.privacy().distributed()) {
                        client.requireSurvivors(task.privacy().minSurvivors()); // never unmask below the assumed noise
                    }
                    stallIfAsked(rounds, Messages.Stage.ADVERTISE_KEYS);
                    Framing.write(out, Framing.SECAGG, codec.encode(client.advertise()));
                }
                default -> events.accept("fl.site.unexpected-message");
            }
        }
    }

    private Optional<Control.Refusal> refuse(Control.Task task, boolean charged, Map<String, TrainingData> encoded,
            DpClaim claim) {
        if (!task.federation().equals(roster.federation())) {
            return Optional.of(Control.Refusal.WRONG_FEDERATION);
        }
        if (!task.schema().label().equals(label)) {
            return Optional.of(Control.Refusal.DATA_MISMATCH);
        }
        Optional<Control.Refusal> byNoise = claim.check(task);
        if (byNoise.isPresent()) {
            return byNoise;
        }
        Optional<Control.Refusal> byPolicy = policy.check(task, spentBefore, charged);
        if (byPolicy.isPresent()) {
            return byPolicy;
        }
        try {
            TrainingData d = encoded.computeIfAbsent(task.schema().toString(), k -> task.schema().encode(table));
            if (model(task, d).parameters() != task.parameters().length) {
                return Optional.of(Control.Refusal.DATA_MISMATCH);
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(Control.Refusal.DATA_MISMATCH);
        }
        return Optional.empty();
    }

    private static Model model(Control.Task task, TrainingData d) {
        return task.model().equals("mlp") ? new Mlp(d.dimensions(), task.hidden(), d.classes().size())
                : new LogisticRegression(d.dimensions(), d.classes().size());
    }

    /**
     * This site's vector for the sum: without DP its example-weighted quantised update (count last); with central
     * DP its update clipped to L2 norm {@code clip}, quantised with weight 1; with distributed DP the one-JVM
     * {@link DistributedDp#encode} (clip, rotate, round, add this site's discrete Gaussian share).
     */
    private long[] siteVector(Control.Task task, TrainingData data) {
        FederatedAveraging.Settings s = new FederatedAveraging.Settings(1, task.localEpochs(), task.batchSize(),
                task.learningRate(), FederatedAveraging.SecureAggregation.OFF, 0, task.aggregation().tolerance(), 0,
                task.clip(), task.levelBits(), 1);
        double[] update = hooks.poisonUpdate().apply(
                FederatedAveraging.localUpdate(model(task, data), task.parameters(), data, s, random));
        int n = roster.sites().size();
        if (task.privacy().distributed()) {
            DistributedDp plan = RoundPlan.dpPlan(task, n);
            return plan.encode(update, random, new DiscreteGaussian(plan.siteVariance(), noise));
        }
        Quantizer q = RoundPlan.quantizer(task, n);
        if (task.privacy().central()) {
            return q.encode(DistributedDp.clipToNorm(update, task.clip()), 1, random);
        }
        return q.encode(update, data.size(), random);
    }

    private void stallIfAsked(int round, Messages.Stage stage) {
        if (round == hooks.stallRound() && stage == hooks.stallStage()) {
            events.accept("fl.site.insecure-test-stall round=" + round + " stage=" + stage);
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stalled site interrupted");
            }
        }
    }
}
