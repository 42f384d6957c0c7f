package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * One client of a secure aggregation round, as a state machine: {@link #advertise()} opens the round, and each
 * {@link #receive} of the server's next message answers with the client's next message or an abort. The client
 * distrusts the server: it refuses any message not addressed to it for this federation, round and stage (replays),
 * key lists that change its own keys, carry bad signatures, repeat keys or fall below the threshold, survivor lists
 * that contradict what it saw, and consistency signatures over any list other than the one it signed (a split
 * view). After an abort it answers nothing but the abort. It reveals, per peer, the share of the self-mask seed or
 * of the mask key, never both: the choice follows the signed survivor list alone.
 *
 * <p>In a session round ({@link SecAggConfig.Keys#SESSION}) the keys, signatures and pairwise agreements come from a
 * {@link SecAggSession}: the client presents its session advertisement, checks each peer's against what it accepted
 * before, shares its round's self-mask seed and pair-mask seeds (not a mask key), masks with pair seeds derived for
 * this round, confirms the survivor list with a tag per peer, and reveals for a dropped peer its shares of that
 * peer's round pair seeds.
 *
 * <p>Not thread-safe: one round, one thread.
 */
public final class SecAggClient {

    /** What the client does in answer to a server message. */
    public sealed interface Reply {
        record Send(ToServer message) implements Reply {
        }

        record Abort(String reason) implements Reply {
        }
    }

    private enum Kind { SELF_MASK, MASK_KEY }

    private final SecAggConfig config;
    private final int id;
    private final SigningKey identity;
    private final Map<Integer, byte[]> roster;
    private final long[] input;
    private final RandomGenerator random;

    private Stage next = Stage.ADVERTISE_KEYS;
    private String abortReason;
    private KeyAgreement.Pair cipherPair;
    private KeyAgreement.Pair maskPair;
    private byte[] selfSeed;
    private SortedMap<Integer, AdvertiseKeys> advertised;
    private final Map<Integer, BigInteger[]> held = new HashMap<>(); // owner -> {mask-key share, self-mask share}
    private Set<Integer> sharedWithMe;
    private List<Integer> survivors;
    private final Map<Integer, Kind> revealed = new HashMap<>();
    private final RosterVerifier verifier = new RosterVerifier();
    private final Map<Integer, byte[]> shareKeys = new HashMap<>(); // peer -> agreed share key, this round only
    private int minimumSurvivors;
    private final SecAggSession session; // null in a per-round round
    private final Map<Integer, byte[]> pairSeeds = new HashMap<>(); // session round: peer -> this round's pair seed
    private final Map<Integer, Map<Integer, BigInteger>> heldPairs = new HashMap<>(); // owner -> peer -> share
    /** Per-round keys: peer -> the pair-mask seed this client masked with, kept from the masked input to unmasking. */
    private final Map<Integer, byte[]> maskedWith = new HashMap<>();

    /**
     * @param roster every client's long-term Ed25519 public key (X.509), by id
     * @param input this client's vector in Z_2^bits, of the configured length
     * @param random a {@code SecureRandom} in production: seeds and Shamir coefficients come from it
     */
    public SecAggClient(SecAggConfig config, int id, SigningKey identity, Map<Integer, byte[]> roster, long[] input,
            RandomGenerator random) {
        if (id < 1 || id > config.clients() || input.length != config.length()) {
            throw new IllegalArgumentException("client id must be in 1..n and the input of the configured length");
        }
        for (long v : input) {
            if (v < 0 || v >= (1L << config.bits())) {
                throw new IllegalArgumentException("the input must lie in Z_2^" + config.bits());
            }
        }
        if (config.keys() != SecAggConfig.Keys.PER_ROUND) {
            throw new IllegalArgumentException("a session round's client is made from its SecAggSession");
        }
        this.config = config;
        this.id = id;
        this.identity = identity;
        this.roster = Map.copyOf(roster);
        this.input = input.clone();
        this.random = random;
        this.session = null;
    }

    /**
     * A client of one round of {@code session}.
     *
     * @throws IllegalArgumentException when the round is not a session round of that session's federation and key
     *     round, or the input is not in Z_2^bits of the configured length
     */
    public SecAggClient(SecAggConfig config, SecAggSession session, long[] input, RandomGenerator random) {
        int id = session.id();
        if (config.keys() != SecAggConfig.Keys.SESSION || !config.federation().equals(session.federation())
                || config.keyRound() != session.keyRound()) {
            throw new IllegalArgumentException("the round is not a round of this session (federation, key round)");
        }
        if (id < 1 || id > config.clients() || input.length != config.length()) {
            throw new IllegalArgumentException("client id must be in 1..n and the input of the configured length");
        }
        for (long v : input) {
            if (v < 0 || v >= (1L << config.bits())) {
                throw new IllegalArgumentException("the input must lie in Z_2^" + config.bits());
            }
        }
        this.config = config;
        this.id = id;
        this.identity = null;
        this.roster = Map.of();
        this.input = input.clone();
        this.random = random;
        this.session = session;
    }

    public int id() {
        return id;
    }

    /**
     * Refuse to sign the survivor list, and so to unmask, when it names fewer than {@code floor} clients: the count
     * a distributed-DP budget assumed, below which the noise in the sum would be less than what was charged.
     */
    public SecAggClient requireSurvivors(int floor) {
        this.minimumSurvivors = floor;
        return this;
    }

    /** Why the client aborted, if it did. */
    public Optional<String> abortReason() {
        return Optional.ofNullable(abortReason);
    }

    /** Stage 0: fresh key pairs for this round, signed. */
    public AdvertiseKeys advertise() {
        if (next != Stage.ADVERTISE_KEYS) {
            throw new IllegalStateException("keys are advertised once per round");
        }
        if (session != null) {
            next = Stage.SHARE_KEYS;
            return session.advert();
        }
        cipherPair = KeyAgreement.generate();
        maskPair = KeyAgreement.generate();
        Header h = header(Stage.ADVERTISE_KEYS);
        byte[] signature = identity.sign(AdvertiseKeys.signedBytes(h, cipherPair.publicKey(), maskPair.publicKey()));
        next = Stage.SHARE_KEYS;
        return new AdvertiseKeys(h, cipherPair.publicKey(), maskPair.publicKey(), signature);
    }

    /** The answer to the server's next message. */
    public Reply receive(ToClient message) {
        if (abortReason != null) {
            return new Reply.Abort(abortReason);
        }
        Header expected = new Header(config.federation(), config.round(), next, 0);
        if (message.recipient() != id || message.header().sender() != 0 || !message.header().sameStep(expected)) {
            return abort("a message for another client, federation, round or stage (replay?)");
        }
        return switch (message) {
            case KeyList m when next == Stage.SHARE_KEYS -> shareKeys(m);
            case SharesForYou m when next == Stage.MASKED_INPUT -> maskInput(m);
            case SurvivorList m when next == Stage.CONSISTENCY_CHECK -> signSurvivors(m);
            case SignatureList m when next == Stage.UNMASKING -> unmask(m);
            default -> abort("a message of the wrong kind for stage " + next);
        };
    }

    private Reply shareKeys(KeyList m) {
        Set<Integer> holders = config.holdersOf(id);
        if (!holders.containsAll(m.keys().keySet())) {
            return abort("the key list names clients outside my neighbourhood");
        }
        AdvertiseKeys mine = m.keys().get(id);
        AdvertiseKeys own = session != null ? session.advert() : null;
        if (mine == null || !Arrays.equals(mine.cipherKey(), own != null ? own.cipherKey() : cipherPair.publicKey())
                || !Arrays.equals(mine.maskKey(), own != null ? own.maskKey() : maskPair.publicKey())) {
            return abort("the key list does not carry my own keys unchanged");
        }
        if (m.keys().size() < config.threshold()) {
            return abort("fewer than t neighbours advertised keys");
        }
        if (session != null) {
            return shareSessionRound(m);
        }
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Integer, AdvertiseKeys> e : m.keys().entrySet()) {
            AdvertiseKeys a = e.getValue();
            Header h = a.header();
            byte[] key = roster.get(e.getKey());
            if (key == null || h.sender() != e.getKey() || !h.sameStep(header(Stage.ADVERTISE_KEYS))
                    || !verifier.verify(e.getKey(), key,
                            AdvertiseKeys.signedBytes(h, a.cipherKey(), a.maskKey()), a.signature())) {
                return abort("an advertised key is not signed by its owner for this round");
            }
            if (!seen.add(Arrays.toString(a.cipherKey())) || !seen.add(Arrays.toString(a.maskKey()))) {
                return abort("two advertised keys are the same");
            }
        }
        advertised = new TreeMap<>(m.keys());
        selfSeed = new byte[32];
        random.nextBytes(selfSeed);
        int[] xs = advertised.keySet().stream().mapToInt(Integer::intValue).toArray();
        List<Shamir.Share> keyShares = Shamir.split(maskPair.insecureScalar(), config.threshold(), xs, random);
        List<Shamir.Share> seedShares = Shamir.split(selfSeed, config.threshold(), xs, random);
        SortedMap<Integer, byte[]> sealed = new TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            int v = xs[i];
            if (v == id) {
                held.put(id, new BigInteger[] {keyShares.get(i).y(), seedShares.get(i).y()});
                continue;
            }
            byte[] plain = Wire.of("shares").id(id).id(v).element(keyShares.get(i).y()).element(seedShares.get(i).y())
                    .bytes();
            sealed.put(v, ShareBox.seal(cipherKeyWith(v), plain, config.shareAssociatedData(id, v)));
        }
        next = Stage.MASKED_INPUT;
        return new Reply.Send(new EncryptedShares(header(Stage.SHARE_KEYS), sealed));
    }

    /** Session round, stage 1: the advertisements checked against the session, then this round's seeds shared. */
    private Reply shareSessionRound(KeyList m) {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Integer, AdvertiseKeys> e : m.keys().entrySet()) {
            AdvertiseKeys a = e.getValue();
            if (!session.accept(e.getKey(), a)) {
                return abort("an advertised key is not signed by its owner for this session, or changed within it");
            }
            if (!seen.add(Arrays.toString(a.cipherKey())) || !seen.add(Arrays.toString(a.maskKey()))) {
                return abort("two advertised keys are the same");
            }
        }
        advertised = new TreeMap<>(m.keys());
        selfSeed = new byte[32];
        random.nextBytes(selfSeed);
        int[] xs = advertised.keySet().stream().mapToInt(Integer::intValue).toArray();
        List<Shamir.Share> seedShares = Shamir.split(selfSeed, config.threshold(), xs, random);
        SortedMap<Integer, List<Shamir.Share>> pairShares = new TreeMap<>();
        for (int v : advertised.keySet()) {
            if (v != id) {
                byte[] seed = session.pairSeed(v, config.pairInfo("pair-mask", id, v));
                pairSeeds.put(v, seed);
                pairShares.put(v, Shamir.split(seed, config.threshold(), xs, random));
            }
        }
        SortedMap<Integer, byte[]> sealed = new TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            int w = xs[i];
            if (w == id) {
                held.put(id, new BigInteger[] {null, seedShares.get(i).y()});
                Map<Integer, BigInteger> mine = new HashMap<>();
                for (Map.Entry<Integer, List<Shamir.Share>> e : pairShares.entrySet()) {
                    mine.put(e.getKey(), e.getValue().get(i).y());
                }
                heldPairs.put(id, mine);
                continue;
            }
            Wire plain = Wire.of("session-shares").id(id).id(w).element(seedShares.get(i).y()).id(pairShares.size());
            for (Map.Entry<Integer, List<Shamir.Share>> e : pairShares.entrySet()) {
                plain.id(e.getKey()).element(e.getValue().get(i).y());
            }
            sealed.put(w, ShareBox.seal(session.shareKey(w), plain.bytes(), config.shareAssociatedData(id, w)));
        }
        next = Stage.MASKED_INPUT;
        return new Reply.Send(new EncryptedShares(header(Stage.SHARE_KEYS), sealed));
    }

    /** Session round: one opened share message into {@code held} and {@code heldPairs}, or why it is refused. */
    private Optional<String> takeSessionShares(int from, byte[] plain) {
        ByteBuffer b = ByteBuffer.wrap(plain);
        int prefix = b.getShort() + 2; // the "session-shares" label written by Wire
        b.position(prefix);
        if (b.remaining() < 12 + Shamir.ELEMENT_BYTES || b.getInt() != from || b.getInt() != id) {
            return Optional.of("a share is addressed to someone else");
        }
        byte[] s = new byte[Shamir.ELEMENT_BYTES];
        b.get(s);
        int count = b.getInt();
        if (count < 0 || b.remaining() != count * (4 + Shamir.ELEMENT_BYTES)) {
            return Optional.of("a share message is malformed");
        }
        Map<Integer, BigInteger> pairs = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int peer = b.getInt();
            byte[] y = new byte[Shamir.ELEMENT_BYTES];
            b.get(y);
            if (peer == from || pairs.put(peer, new BigInteger(1, y)) != null) {
                return Optional.of("a share message names a peer twice or its sender as a peer");
            }
        }
        held.put(from, new BigInteger[] {null, new BigInteger(1, s)});
        heldPairs.put(from, pairs);
        return Optional.empty();
    }

    private Reply maskInput(SharesForYou m) {
        if (m.sealed().containsKey(id) || !advertised.keySet().containsAll(m.sealed().keySet())) {
            return abort("shares from clients that did not advertise keys to me");
        }
        if (m.sealed().size() + 1 < config.threshold()) {
            return abort("fewer than t neighbours sent shares");
        }
        for (Map.Entry<Integer, byte[]> e : m.sealed().entrySet()) {
            int from = e.getKey();
            byte[] key = session != null ? session.shareKey(from) : cipherKeyWith(from);
            Optional<byte[]> plain = ShareBox.open(key, e.getValue(), config.shareAssociatedData(from, id));
            if (plain.isEmpty()) {
                return abort("a share failed authentication");
            }
            if (session != null) {
                Optional<String> refused = takeSessionShares(from, plain.get());
                if (refused.isPresent()) {
                    return abort(refused.get());
                }
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(plain.get());
            int prefix = b.getShort() + 2; // the "shares" label written by Wire
            b.position(prefix);
            if (b.getInt() != from || b.getInt() != id || b.remaining() != 2 * Shamir.ELEMENT_BYTES) {
                return abort("a share is addressed to someone else");
            }
            byte[] k = new byte[Shamir.ELEMENT_BYTES];
            byte[] s = new byte[Shamir.ELEMENT_BYTES];
            b.get(k).get(s);
            held.put(from, new BigInteger[] {new BigInteger(1, k), new BigInteger(1, s)});
        }
        sharedWithMe = new TreeSet<>(m.sealed().keySet());
        sharedWithMe.add(id);
        long[] y = input.clone();
        long keep = (1L << config.bits()) - 1;
        // b <= 32: the masks are added as whole 32-bit words (Prg.accumulateWords) and cut to b bits once
        int[] words = Prg.wordBytes(config.bits()) == 4 ? new int[y.length] : null;
        if (words != null) {
            Prg.accumulateWords(words, selfSeed, config.selfMaskDomain(), 1);
        } else {
            Prg.maskInto(y, selfSeed, config.selfMaskDomain(), 1, config.bits());
        }
        for (int v : sharedWithMe) {
            if (v != id) {
                byte[] seed = session != null ? pairSeeds.get(v) : KeyAgreement.agree(maskPair.privateKey(),
                        advertised.get(v).maskKey(), config.pairInfo("pair-mask", id, v));
                if (session == null) {
                    maskedWith.put(v, seed); // revealed at unmasking only if v drops before its masked input
                }
                if (words != null) {
                    Prg.accumulateWords(words, seed, config.pairMaskDomain(), id > v ? 1 : -1);
                } else {
                    Prg.maskInto(y, seed, config.pairMaskDomain(), id > v ? 1 : -1, config.bits());
                }
            }
        }
        if (words != null) {
            for (int j = 0; j < y.length; j++) {
                y[j] = (y[j] + words[j]) & keep;
            }
        }
        shareKeys.clear(); // the share keys are not needed after the shares are opened
        next = Stage.CONSISTENCY_CHECK;
        return new Reply.Send(new MaskedInput(header(Stage.MASKED_INPUT), y, config.bits()));
    }

    private Reply signSurvivors(SurvivorList m) {
        List<Integer> u3 = m.survivors();
        if (new TreeSet<>(u3).size() != u3.size() || !u3.contains(id)) {
            return abort("the survivor list repeats a client or leaves me out");
        }
        if (u3.size() < minimumSurvivors) {
            return abort("fewer survivors than the privacy budget assumed");
        }
        int mine = 0;
        for (int v : u3) {
            if (config.holdersOf(id).contains(v) && advertised.containsKey(v)) {
                if (!sharedWithMe.contains(v)) {
                    return abort("the survivor list names a neighbour that never sent me shares");
                }
                mine++;
            }
        }
        if (mine < config.threshold()) {
            return abort("fewer than t of my neighbours survived");
        }
        survivors = new ArrayList<>(new TreeSet<>(u3));
        next = Stage.UNMASKING;
        if (session != null) {
            if (!advertised.keySet().containsAll(survivors)) {
                return abort("the survivor list names a client whose session keys I was not shown");
            }
            byte[] listed = ConsistencySignature.signedBytes(config.federation(), config.round(), survivors);
            Wire tags = Wire.of("tags").id(survivors.size() - 1);
            for (int w : survivors) {
                if (w != id) {
                    tags.id(w).blob(session.tagFor(w, config.round(), listed));
                }
            }
            return new Reply.Send(new ConsistencySignature(header(Stage.CONSISTENCY_CHECK), tags.bytes()));
        }
        byte[] signature = identity.sign(ConsistencySignature.signedBytes(config.federation(), config.round(), survivors));
        return new Reply.Send(new ConsistencySignature(header(Stage.CONSISTENCY_CHECK), signature));
    }

    private Reply unmask(SignatureList m) {
        byte[] signed = ConsistencySignature.signedBytes(config.federation(), config.round(), survivors);
        Set<Integer> survivorSet = new HashSet<>(survivors); // 700 look-ups each way at N = 1,000: not a list scan
        int mine = 0;
        for (Map.Entry<Integer, byte[]> e : m.signatures().entrySet()) {
            byte[] key = roster.get(e.getKey());
            boolean confirmed = session != null
                    ? survivorSet.contains(e.getKey()) && (e.getKey() == id || taggedForMe(e.getKey(), signed, e.getValue()))
                    : survivorSet.contains(e.getKey()) && key != null
                            && verifier.verify(e.getKey(), key, signed, e.getValue());
            if (!confirmed) {
                return abort("a consistency signature does not cover the survivor list I signed");
            }
            if (config.holdersOf(id).contains(e.getKey())) {
                mine++;
            }
        }
        if (mine < config.threshold() || m.signatures().size() < config.quorum()) {
            return abort("too few clients confirmed the survivor list");
        }
        Map<Integer, Shamir.Share> selfMask = new HashMap<>();
        Map<Integer, Shamir.Share> maskKey = new HashMap<>();
        Map<Integer, Map<Integer, Shamir.Share>> pairSeed = new HashMap<>();
        Map<Integer, byte[]> droppedSeeds = new HashMap<>();
        for (Map.Entry<Integer, BigInteger[]> e : held.entrySet()) {
            int owner = e.getKey();
            Kind kind = survivorSet.contains(owner) ? Kind.SELF_MASK : Kind.MASK_KEY;
            Kind before = revealed.putIfAbsent(owner, kind);
            if (before != null && before != kind) {
                throw new IllegalStateException("refusing to reveal both shares of one peer");
            }
            if (kind == Kind.SELF_MASK) {
                selfMask.put(owner, new Shamir.Share(id, e.getValue()[1]));
            } else if (session != null) {
                Map<Integer, Shamir.Share> byPeer = new HashMap<>();
                heldPairs.get(owner).forEach((peer, y) -> byPeer.put(peer, new Shamir.Share(id, y)));
                pairSeed.put(owner, byPeer);
            } else {
                maskKey.put(owner, new Shamir.Share(id, e.getValue()[0]));
                byte[] seed = maskedWith.get(owner);
                if (seed != null) {
                    droppedSeeds.put(owner, seed);
                }
            }
        }
        maskedWith.clear();
        next = null;
        return new Reply.Send(session != null
                ? UnmaskShares.session(header(Stage.UNMASKING), selfMask, pairSeed)
                : UnmaskShares.perRound(header(Stage.UNMASKING), selfMask, maskKey, droppedSeeds));
    }

    /** Session round: whether {@code from}'s tag blob carries a valid tag to this client over the survivor list. */
    private boolean taggedForMe(int from, byte[] listed, byte[] blob) {
        try {
            ByteBuffer b = ByteBuffer.wrap(blob);
            b.position(b.getShort() + 2); // the "tags" label
            int count = b.getInt();
            for (int i = 0; i < count; i++) {
                int to = b.getInt();
                int length = b.getInt();
                if (length != 32 || b.remaining() < 32) {
                    return false;
                }
                byte[] tag = new byte[32];
                b.get(tag);
                if (to == id) {
                    return session.tagFrom(from, config.round(), listed, tag);
                }
            }
            return false;
        } catch (RuntimeException e) { // a truncated or malformed blob
            return false;
        }
    }

    /** The key sealing shares between this client and {@code peer}: agreed once, used to seal and then to open. */
    private byte[] cipherKeyWith(int peer) {
        return shareKeys.computeIfAbsent(peer, p -> KeyAgreement.agree(cipherPair.privateKey(),
                advertised.get(p).cipherKey(), config.pairInfo("share-key", id, p)));
    }

    private Header header(Stage stage) {
        return new Header(config.federation(), config.round(), stage, id);
    }

    private Reply abort(String reason) {
        abortReason = reason;
        return new Reply.Abort(reason);
    }

    static void addInto(long[] y, long[] mask, int sign, long modMask) {
        for (int i = 0; i < y.length; i++) {
            y[i] = (y[i] + sign * mask[i]) & modMask;
        }
    }
}
