package dev.bastion.privacy.fl;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.Header;
import dev.bastion.privacy.fl.Messages.Stage;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One client's keys for a session of secure aggregation rounds (full SecAgg only): two X25519 key pairs advertised
 * once, signed with the roster key in the round that opens the session, and the pairwise keys agreed from them with
 * each peer once. A round of the session ({@link SecAggConfig.Keys#SESSION}) then needs no public-key operation:
 *
 * <ul>
 *   <li>the shares of a round travel under AES-256-GCM with the session's share key for the pair, the associated
 *       data binding federation, round, sender and recipient as in a per-round round;</li>
 *   <li>the pair-mask seed of u and v for round r is HKDF-SHA256(K_uv, "pair-mask" ‖ federation ‖ r ‖ u ‖ v), K_uv
 *       agreed from the session's mask keys; each client Shamir-shares every one of its round's pair-mask seeds
 *       (and a fresh self-mask seed), so that the seeds of a client that drops can be rebuilt for that round alone;</li>
 *   <li>the consistency check is a tag per recipient, HMAC-SHA256 under a key derived from the pair's share
 *       agreement, over (federation, round, sender, recipient, survivor list), instead of an Ed25519 signature.</li>
 * </ul>
 *
 * No secret of the session is ever Shamir-shared or revealed: what a round may reveal (a dropped client's pair-mask
 * seeds, a survivor's self-mask seed) is derived for that round and says nothing of other rounds' masks. The
 * security argument, and what this weakens against the per-round protocol, are in docs/federated-learning.md
 * ("Scale", round nine: sessions).
 *
 * <p>Every peer's advertisement is checked once: its signature on first sight (through a {@link RosterVerifier}
 * that remembers what verified), and afterwards only that it is byte for byte the one accepted; a peer whose keys
 * change within the session is refused.
 *
 * <p>Not thread-safe: one client, one round at a time.
 */
public final class SecAggSession {
    private final String federation;
    private final long keyRound;
    private final int id;
    private final Map<Integer, byte[]> roster;
    private final KeyAgreement.Pair cipherPair;
    private final KeyAgreement.Pair maskPair;
    private final AdvertiseKeys advert;
    private final RosterVerifier verifier = new RosterVerifier();
    private final Map<Integer, AdvertiseKeys> accepted = new HashMap<>();
    private final Map<Integer, byte[]> shareKeys = new HashMap<>();
    private final Map<Integer, byte[]> tagKeys = new HashMap<>();
    private final Map<Integer, byte[]> pairKeys = new HashMap<>();

    /**
     * Opens the session: fresh key pairs, signed once for (federation, keyRound, advertise stage, id).
     *
     * @param roster every client's long-term Ed25519 public key (X.509), by id
     */
    public SecAggSession(String federation, long keyRound, int id, SigningKey identity, Map<Integer, byte[]> roster) {
        if (federation.isBlank() || keyRound < 0 || !roster.containsKey(id)) {
            throw new IllegalArgumentException("a session needs a federation, a key round >= 0 and an id in the roster");
        }
        this.federation = federation;
        this.keyRound = keyRound;
        this.id = id;
        this.roster = Map.copyOf(roster);
        this.cipherPair = KeyAgreement.generate();
        this.maskPair = KeyAgreement.generate();
        Header h = new Header(federation, keyRound, Stage.ADVERTISE_KEYS, id);
        byte[] signature = identity.sign(AdvertiseKeys.signedBytes(h, cipherPair.publicKey(), maskPair.publicKey()));
        this.advert = new AdvertiseKeys(h, cipherPair.publicKey(), maskPair.publicKey(), signature);
        accepted.put(id, advert);
    }

    public int id() {
        return id;
    }

    public String federation() {
        return federation;
    }

    public long keyRound() {
        return keyRound;
    }

    /** This client's signed session advertisement, presented again in every round of the session. */
    AdvertiseKeys advert() {
        return advert;
    }

    /**
     * Whether {@code a} is {@code peer}'s advertisement for this session: signed by its roster key for this
     * federation, key round and stage, and the same as any accepted before. Verified once per peer and session.
     */
    boolean accept(int peer, AdvertiseKeys a) {
        AdvertiseKeys before = accepted.get(peer);
        if (before != null) {
            return same(before, a);
        }
        Header h = a.header();
        byte[] key = roster.get(peer);
        if (key == null || h.sender() != peer
                || !h.sameStep(new Header(federation, keyRound, Stage.ADVERTISE_KEYS, 0))
                || !verifier.verify(peer, key, AdvertiseKeys.signedBytes(h, a.cipherKey(), a.maskKey()), a.signature())) {
            return false;
        }
        accepted.put(peer, a);
        return true;
    }

    private static boolean same(AdvertiseKeys a, AdvertiseKeys b) {
        return a.header().equals(b.header()) && Arrays.equals(a.cipherKey(), b.cipherKey())
                && Arrays.equals(a.maskKey(), b.maskKey()) && Arrays.equals(a.signature(), b.signature());
    }

    /** The AES-256-GCM key for shares between this client and an accepted peer. */
    byte[] shareKey(int peer) {
        cipherKeys(peer);
        return shareKeys.get(peer);
    }

    /** The round's pair-mask seed with an accepted peer: HKDF of the session's mask agreement and the round. */
    byte[] pairSeed(int peer, byte[] roundInfo) {
        byte[] base = pairKeys.computeIfAbsent(peer, p -> KeyAgreement.agree(maskPair.privateKey(),
                acceptedOf(p).maskKey(), info("session-pair-mask", p)));
        return KeyAgreement.hkdf(base, roundInfo);
    }

    /** The consistency tag this client sends {@code to} for a survivor list of {@code round}. */
    byte[] tagFor(int to, long round, byte[] survivorBytes) {
        return hmac(tagKey(to), tagInput(round, id, to, survivorBytes));
    }

    /** Whether {@code tag} is {@code from}'s tag to this client over the survivor list of {@code round}. */
    boolean tagFrom(int from, long round, byte[] survivorBytes, byte[] tag) {
        return accepted.containsKey(from)
                && MessageDigest.isEqual(hmac(tagKey(from), tagInput(round, from, id, survivorBytes)), tag);
    }

    /* The direction (sender, recipient) is inside the tag: the pair's key is the same both ways, and without it the
     * server could hand a client its own tag back as the peer's. */
    private byte[] tagInput(long round, int from, int to, byte[] survivorBytes) {
        return Wire.of("confirm").text(federation).number(round).id(from).id(to).blob(survivorBytes).bytes();
    }

    private byte[] tagKey(int peer) {
        cipherKeys(peer);
        return tagKeys.get(peer);
    }

    private void cipherKeys(int peer) {
        if (shareKeys.containsKey(peer)) {
            return;
        }
        byte[] agreed = KeyAgreement.agree(cipherPair.privateKey(), acceptedOf(peer).cipherKey(),
                info("session-cipher", peer));
        shareKeys.put(peer, KeyAgreement.hkdf(agreed, Wire.of("share-key").bytes()));
        tagKeys.put(peer, KeyAgreement.hkdf(agreed, Wire.of("consistency-tag").bytes()));
    }

    private AdvertiseKeys acceptedOf(int peer) {
        AdvertiseKeys a = accepted.get(peer);
        if (a == null) {
            throw new IllegalStateException("no accepted session keys of client " + peer);
        }
        return a;
    }

    private byte[] info(String purpose, int peer) {
        return Wire.of(purpose).text(federation).number(keyRound).id(Math.min(id, peer)).id(Math.max(id, peer)).bytes();
    }

    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    });

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    /** How many Ed25519 verifications this session ran (not answered from its memory): for tests. */
    int verifications() {
        return verifier.checks();
    }

    @Override
    public String toString() {
        return "SecAggSession[" + federation + ", key round " + keyRound + ", client " + id + ", keys redacted]";
    }
}
