package dev.bastion.privacy.fl;

import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.ConsistencySignature;
import dev.bastion.privacy.fl.Messages.EncryptedShares;
import dev.bastion.privacy.fl.Messages.Header;
import dev.bastion.privacy.fl.Messages.KeyList;
import dev.bastion.privacy.fl.Messages.MaskedInput;
import dev.bastion.privacy.fl.Messages.SharesForYou;
import dev.bastion.privacy.fl.Messages.SignatureList;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.SurvivorList;
import dev.bastion.privacy.fl.Messages.ToClient;
import dev.bastion.privacy.fl.Messages.ToServer;
import dev.bastion.privacy.fl.Messages.UnmaskShares;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The server of one secure aggregation round, as a state machine: {@link #receive} takes client messages of the
 * current stage, {@link #close} ends the stage when every expected client has answered or the stage's deadline
 * has passed, and answers with the next stage's messages, the sum, or an abort. A stage that ends with a client
 * short of t live holders aborts the round with no output (the caller retries with fresh keys).
 *
 * <p>The output is the sum in Z_2^b of the inputs of U3, the clients whose masked input arrived: self masks are
 * removed with seeds rebuilt from t shares, and the pairwise masks of clients that dropped after sharing are
 * removed with the seeds their surviving peers reveal at unmasking, or, for a peer that did not answer that stage,
 * with the dropped client's mask key rebuilt from t shares; the pairwise masks between survivors cancel.
 *
 * <p>Not thread-safe: the transport serialises calls.
 */
public final class SecAggServer {

    /** What a received message did. */
    public sealed interface Receipt {
        record Accepted() implements Receipt {
        }

        record Refused(String reason) implements Receipt {
        }
    }

    /** What closing a stage did. */
    public sealed interface Step {
        /** Not everyone answered and the deadline has not passed. */
        record Waiting(Instant deadline) implements Step {
        }

        record Send(Stage stage, List<ToClient> messages) implements Step {
            public Send {
                messages = List.copyOf(messages);
            }
        }

        /** The sum over {@code included} (U3), in Z_2^b. */
        record Done(long[] sum, SortedSet<Integer> included) implements Step {
        }

        record Aborted(Stage stage, String reason) implements Step {
        }
    }

    private final SecAggConfig config;
    private Stage stage = Stage.ADVERTISE_KEYS;
    private Instant deadline;
    private boolean finished;
    private SortedSet<Integer> expected = new TreeSet<>();
    private final SortedMap<Integer, AdvertiseKeys> u1 = new TreeMap<>();
    private final SortedMap<Integer, EncryptedShares> u2 = new TreeMap<>();
    private final SortedSet<Integer> u3 = new TreeSet<>();
    /** The masked inputs of U3, added up as they arrive: the server holds one vector, not one per client. */
    private final long[] maskedSum;
    private final SortedMap<Integer, byte[]> u4 = new TreeMap<>();
    private final SortedMap<Integer, UnmaskShares> u5 = new TreeMap<>();

    public SecAggServer(SecAggConfig config, Instant start) {
        this.config = config;
        this.deadline = start.plus(config.stageTimeout());
        this.maskedSum = new long[config.length()];
        for (int u = 1; u <= config.clients(); u++) {
            expected.add(u);
        }
    }

    public Stage stage() {
        return stage;
    }

    /** Takes one client message; refuses (and ignores) anything not expected now, including replays. */
    public Receipt receive(ToServer message) {
        Header h = message.header();
        // a session round's advertisements are the ones signed when the session opened, at its key round
        long round = stage == Stage.ADVERTISE_KEYS ? config.keyRound() : config.round();
        if (finished || !h.sameStep(new Header(config.federation(), round, stage, 0))) {
            return new Receipt.Refused("not for this federation, round and stage");
        }
        int from = h.sender();
        if (!expected.contains(from)) {
            return new Receipt.Refused("the sender is not expected in this stage");
        }
        boolean fresh = switch (message) {
            case AdvertiseKeys m when stage == Stage.ADVERTISE_KEYS -> u1.putIfAbsent(from, m) == null;
            case EncryptedShares m when stage == Stage.SHARE_KEYS -> {
                SortedSet<Integer> peers = new TreeSet<>(config.holdersOf(from));
                peers.retainAll(u1.keySet());
                peers.remove(from);
                if (!peers.equals(m.sealed().keySet())) {
                    yield false;
                }
                yield u2.putIfAbsent(from, m) == null;
            }
            case MaskedInput m when stage == Stage.MASKED_INPUT -> {
                if (m.masked().length != config.length() || m.bits() != config.bits()) {
                    yield false;
                }
                if (!u3.add(from)) {
                    yield false;
                }
                SecAggClient.addInto(maskedSum, m.masked(), 1, (1L << config.bits()) - 1);
                yield true;
            }
            case ConsistencySignature m when stage == Stage.CONSISTENCY_CHECK -> u4.putIfAbsent(from, m.signature()) == null;
            case UnmaskShares m when stage == Stage.UNMASKING -> u5.putIfAbsent(from, m) == null;
            default -> false;
        };
        return fresh ? new Receipt.Accepted() : new Receipt.Refused("a duplicate or malformed message");
    }

    /** Ends the current stage if everyone answered or {@code now} is past the deadline. */
    public Step close(Instant now) {
        if (finished) {
            throw new IllegalStateException("the round is over");
        }
        SortedSet<Integer> answered = switch (stage) {
            case ADVERTISE_KEYS -> new TreeSet<>(u1.keySet());
            case SHARE_KEYS -> new TreeSet<>(u2.keySet());
            case MASKED_INPUT -> new TreeSet<>(u3);
            case CONSISTENCY_CHECK -> new TreeSet<>(u4.keySet());
            case UNMASKING -> new TreeSet<>(u5.keySet());
        };
        if (!answered.equals(expected) && now.isBefore(deadline)) {
            return new Step.Waiting(deadline);
        }
        if (stage == Stage.CONSISTENCY_CHECK && answered.size() < config.quorum()) {
            finished = true;
            return new Step.Aborted(stage, "fewer than the quorum confirmed the survivor list");
        }
        if (stage != Stage.UNMASKING && !everyoneKeepsThreshold(answered)) {
            finished = true;
            return new Step.Aborted(stage, "fewer than t of some client's holders answered in " + stage);
        }
        Stage done = stage;
        List<ToClient> out = new ArrayList<>();
        switch (done) {
            case ADVERTISE_KEYS -> {
                for (int u : answered) {
                    SortedMap<Integer, AdvertiseKeys> keys = new TreeMap<>();
                    for (int v : config.holdersOf(u)) {
                        if (u1.containsKey(v)) {
                            keys.put(v, u1.get(v));
                        }
                    }
                    out.add(new KeyList(header(Stage.SHARE_KEYS), u, keys));
                }
            }
            case SHARE_KEYS -> {
                for (int u : answered) {
                    SortedMap<Integer, byte[]> sealed = new TreeMap<>();
                    for (int v : config.holdersOf(u)) {
                        if (v != u && u2.containsKey(v)) {
                            sealed.put(v, u2.get(v).sealed().get(u));
                        }
                    }
                    out.add(new SharesForYou(header(Stage.MASKED_INPUT), u, sealed));
                }
            }
            case MASKED_INPUT -> {
                List<Integer> survivors = List.copyOf(answered);
                for (int u : answered) {
                    out.add(new SurvivorList(header(Stage.CONSISTENCY_CHECK), u, survivors));
                }
            }
            case CONSISTENCY_CHECK -> {
                for (int u : answered) {
                    out.add(new SignatureList(header(Stage.UNMASKING), u, u4));
                }
            }
            case UNMASKING -> {
                finished = true;
                return unmask();
            }
        }
        expected = answered;
        stage = Stage.values()[done.ordinal() + 1];
        deadline = now.plus(config.stageTimeout());
        return new Step.Send(stage, out);
    }

    private boolean everyoneKeepsThreshold(SortedSet<Integer> alive) {
        if (alive.isEmpty()) {
            return false;
        }
        for (int u : alive) {
            int live = 0;
            for (int v : config.holdersOf(u)) {
                if (alive.contains(v)) {
                    live++;
                }
            }
            if (live < config.threshold()) {
                return false;
            }
        }
        return true;
    }

    /** One mask to remove from the sum: its seed (made when the job runs), domain and sign. */
    private record MaskJob(Supplier<byte[]> seed, String domain, int sign) {
    }

    /**
     * One secret to rebuild from its first t shares: a survivor's self-mask seed, a dropped client's mask key
     * (per-round keys), or a dropped client's round pair seed with one surviving peer (session).
     */
    private record Rebuild(int owner, int peer, List<Shamir.Share> shares) {
    }

    /*
     * Unmasking in two phases, both on every core (round ten): first every secret is rebuilt from t shares (each
     * owner's holders differ in SecAgg+, so each needs its own Lagrange coefficients: 1,000 sets of 104 points at
     * N = 1,000, which had run on the calling thread), then the masks are removed. The shares and the checks that
     * there are t of each are collected first, on the calling thread, so a round that must abort aborts before any
     * work.
     */
    private Step unmask() {
        int t = config.threshold();
        long modMask = (1L << config.bits()) - 1;
        boolean session = config.keys() == SecAggConfig.Keys.SESSION;
        List<Rebuild> selfSeeds = new ArrayList<>();
        for (int u : u3) {
            List<Shamir.Share> shares = sharesOf(u, true);
            if (shares.size() < t) {
                return new Step.Aborted(Stage.UNMASKING, "fewer than t shares of a survivor's self-mask seed");
            }
            selfSeeds.add(new Rebuild(u, 0, List.copyOf(shares.subList(0, t))));
        }
        List<Rebuild> dropped = new ArrayList<>(); // mask keys (per-round) or pair seeds (session)
        List<MaskJob> revealedJobs = new ArrayList<>(); // per-round: pair masks whose seed a survivor revealed
        Map<Integer, List<Integer>> unrevealed = new HashMap<>(); // per-round: dropped -> survivors who did not
        for (int v : u2.keySet()) {
            if (u3.contains(v)) {
                continue;
            }
            if (session) {
                for (int u : config.holdersOf(v)) {
                    if (u == v || !u3.contains(u)) {
                        continue;
                    }
                    List<Shamir.Share> pair = pairSharesOf(v, u);
                    if (pair.size() < t) {
                        return new Step.Aborted(Stage.UNMASKING, "fewer than t shares of a dropped client's pair seed");
                    }
                    dropped.add(new Rebuild(v, u, List.copyOf(pair.subList(0, t))));
                }
                continue;
            }
            List<Integer> missing = new ArrayList<>();
            for (int u : config.holdersOf(v)) {
                if (u == v || !u3.contains(u)) {
                    continue;
                }
                UnmaskShares m = u5.get(u);
                byte[] seed = m == null ? null : m.pairSeeds().get(v);
                if (seed != null) {
                    revealedJobs.add(new MaskJob(() -> seed, config.pairMaskDomain(), u > v ? -1 : 1));
                } else {
                    missing.add(u); // u masked with v but did not answer this stage: rebuild v's mask key
                }
            }
            if (missing.isEmpty()) {
                continue;
            }
            List<Shamir.Share> shares = sharesOf(v, false);
            if (shares.size() < t) {
                return new Step.Aborted(Stage.UNMASKING, "fewer than t shares of a dropped client's mask key");
            }
            dropped.add(new Rebuild(v, 0, List.copyOf(shares.subList(0, t))));
            unrevealed.put(v, missing);
        }
        Map<List<Integer>, BigInteger[]> lagrange = new ConcurrentHashMap<>(); // holder points -> coefficients at 0
        List<byte[]> selfSecrets = selfSeeds.parallelStream()
                .map(r -> Shamir.reconstruct(r.shares(), coefficientsFor(r.shares(), lagrange))).toList();
        List<byte[]> droppedSecrets = dropped.parallelStream()
                .map(r -> Shamir.reconstruct(r.shares(), coefficientsFor(r.shares(), lagrange))).toList();

        List<MaskJob> jobs = new ArrayList<>(revealedJobs);
        for (byte[] seed : selfSecrets) {
            jobs.add(new MaskJob(() -> seed, config.selfMaskDomain(), -1));
        }
        Map<Integer, PublicKey> maskKeys = new HashMap<>(); // survivor -> its mask public key, decoded once
        for (int i = 0; i < dropped.size(); i++) {
            Rebuild r = dropped.get(i);
            byte[] secret = droppedSecrets.get(i);
            int v = r.owner();
            if (session) {
                jobs.add(new MaskJob(() -> secret, config.pairMaskDomain(), r.peer() > v ? -1 : 1));
                continue;
            }
            PrivateKey key = KeyAgreement.privateKey(secret);
            for (int u : unrevealed.get(v)) {
                PublicKey theirs = maskKeys.computeIfAbsent(u, w -> KeyAgreement.publicKey(u1.get(w).maskKey()));
                byte[] info = config.pairInfo("pair-mask", u, v);
                jobs.add(new MaskJob(() -> KeyAgreement.agree(key, theirs, info), config.pairMaskDomain(),
                        u > v ? -1 : 1));
            }
        }
        return new Step.Done(removeMasks(jobs, modMask), new TreeSet<>(u3));
    }

    /**
     * The sum of the masked inputs less every job's mask. The masks are independent, so the jobs are dealt round
     * robin to one worker per core, each folding its masks into its own vector; the vectors are added at the end
     * (addition in Z_2^b is commutative, so the result does not depend on the split).
     */
    private long[] removeMasks(List<MaskJob> jobs, long modMask) {
        int length = config.length();
        int workers = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), jobs.size()));
        long[] sum = maskedSum; // the round is over: the running sum becomes the output
        if (Prg.wordBytes(config.bits()) == 4) {
            // b <= 32: each worker adds whole 32-bit key-stream words modulo 2^32 and the low b bits are kept once
            // at the end (2^b divides 2^32): half the memory traffic of long coordinates and no reduction per mask
            List<int[]> words = IntStream.range(0, workers).parallel().mapToObj(w -> {
                int[] part = new int[length];
                for (int i = w; i < jobs.size(); i += workers) {
                    MaskJob job = jobs.get(i);
                    Prg.accumulateWords(part, job.seed().get(), job.domain(), job.sign());
                }
                return part;
            }).toList();
            for (int[] part : words) {
                for (int j = 0; j < length; j++) {
                    sum[j] = (sum[j] + part[j]) & modMask;
                }
            }
            return sum;
        }
        List<long[]> parts = IntStream.range(0, workers).parallel().mapToObj(w -> {
            long[] part = new long[length];
            for (int i = w; i < jobs.size(); i += workers) {
                MaskJob job = jobs.get(i);
                Prg.maskInto(part, job.seed().get(), job.domain(), job.sign(), config.bits());
            }
            return part;
        }).toList();
        for (long[] part : parts) {
            SecAggClient.addInto(sum, part, 1, modMask);
        }
        return sum;
    }

    /** The Lagrange coefficients for the shares' points, computed once per set of points. */
    private static BigInteger[] coefficientsFor(List<Shamir.Share> shares, Map<List<Integer>, BigInteger[]> cache) {
        List<Integer> xs = shares.stream().map(Shamir.Share::x).toList();
        return cache.computeIfAbsent(xs, k -> Shamir.lagrangeAtZero(k.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * The shares of {@code owner}'s self-mask seed or mask key, one per holder that sent it, in ascending holder
     * order (only the owner's holders can hold one, so only their messages are looked at).
     */
    private List<Shamir.Share> sharesOf(int owner, boolean selfMask) {
        List<Shamir.Share> out = new ArrayList<>();
        for (int w : config.holdersOf(owner)) {
            UnmaskShares m = u5.get(w);
            if (m == null) {
                continue;
            }
            Shamir.Share s = (selfMask ? m.selfMaskShares() : m.maskKeyShares()).get(owner);
            if (s != null && s.x() == w) {
                out.add(s);
            }
        }
        return out;
    }

    /** Session round: the shares of {@code owner}'s round pair seed with {@code peer}, one per holder that sent it. */
    private List<Shamir.Share> pairSharesOf(int owner, int peer) {
        List<Shamir.Share> out = new ArrayList<>();
        for (int w : config.holdersOf(owner)) {
            UnmaskShares m = u5.get(w);
            Map<Integer, Shamir.Share> byPeer = m == null ? null : m.pairSeedShares().get(owner);
            Shamir.Share s = byPeer == null ? null : byPeer.get(peer);
            if (s != null && s.x() == w) {
                out.add(s);
            }
        }
        return out;
    }

    private Header header(Stage s) {
        return new Header(config.federation(), config.round(), s, 0);
    }
}
