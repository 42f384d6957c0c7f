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
        this.config = config;
        this.id = id;
        this.identity = identity;
        this.roster = Map.copyOf(roster);
        this.input = input.clone();
        this.random = random;
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
        if (mine == null || !Arrays.equals(mine.cipherKey(), cipherPair.publicKey())
                || !Arrays.equals(mine.maskKey(), maskPair.publicKey())) {
            return abort("the key list does not carry my own keys unchanged");
        }
        if (m.keys().size() < config.threshold()) {
            return abort("fewer than t neighbours advertised keys");
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

    private Reply maskInput(SharesForYou m) {
        if (m.sealed().containsKey(id) || !advertised.keySet().containsAll(m.sealed().keySet())) {
            return abort("shares from clients that did not advertise keys to me");
        }
        if (m.sealed().size() + 1 < config.threshold()) {
            return abort("fewer than t neighbours sent shares");
        }
        for (Map.Entry<Integer, byte[]> e : m.sealed().entrySet()) {
            int from = e.getKey();
            Optional<byte[]> plain = ShareBox.open(cipherKeyWith(from), e.getValue(), config.shareAssociatedData(from, id));
            if (plain.isEmpty()) {
                return abort("a share failed authentication");
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
        Prg.maskInto(y, selfSeed, config.selfMaskDomain(), 1, config.bits());
        for (int v : sharedWithMe) {
            if (v != id) {
                byte[] seed = KeyAgreement.agree(maskPair.privateKey(), advertised.get(v).maskKey(),
                        config.pairInfo("pair-mask", id, v));
                Prg.maskInto(y, seed, config.pairMaskDomain(), id > v ? 1 : -1, config.bits());
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
        byte[] signature = identity.sign(ConsistencySignature.signedBytes(config.federation(), config.round(), survivors));
        return new Reply.Send(new ConsistencySignature(header(Stage.CONSISTENCY_CHECK), signature));
    }

    private Reply unmask(SignatureList m) {
        byte[] signed = ConsistencySignature.signedBytes(config.federation(), config.round(), survivors);
        Set<Integer> survivorSet = new HashSet<>(survivors); // 700 look-ups each way at N = 1,000: not a list scan
        int mine = 0;
        for (Map.Entry<Integer, byte[]> e : m.signatures().entrySet()) {
            byte[] key = roster.get(e.getKey());
            if (!survivorSet.contains(e.getKey()) || key == null
                    || !verifier.verify(e.getKey(), key, signed, e.getValue())) {
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
        for (Map.Entry<Integer, BigInteger[]> e : held.entrySet()) {
            int owner = e.getKey();
            Kind kind = survivorSet.contains(owner) ? Kind.SELF_MASK : Kind.MASK_KEY;
            Kind before = revealed.putIfAbsent(owner, kind);
            if (before != null && before != kind) {
                throw new IllegalStateException("refusing to reveal both shares of one peer");
            }
            if (kind == Kind.SELF_MASK) {
                selfMask.put(owner, new Shamir.Share(id, e.getValue()[1]));
            } else {
                maskKey.put(owner, new Shamir.Share(id, e.getValue()[0]));
            }
        }
        next = null;
        return new Reply.Send(new UnmaskShares(header(Stage.UNMASKING), selfMask, maskKey));
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
