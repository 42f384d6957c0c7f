package dev.bastion.privacy.fl.he;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.he.HeMessages.DecryptReply;
import dev.bastion.privacy.fl.he.HeMessages.DecryptRequest;
import dev.bastion.privacy.fl.he.HeMessages.Upload;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A site of a homomorphic aggregation federation: it encrypts and signs its packed update, and it holds one share of
 * the threshold key, which it uses only on a sum it has checked itself.
 *
 * <p>Before it partially decrypts, a site checks that the request is for its federation and for a round it has
 * not already decrypted a different sum in (a round is a training round: a retry of the decryption stage must
 * present the same uploads again); that it lists signed uploads (Ed25519, keys from the roster) from at
 * least {@code minSummands} distinct sites, each for this federation and round and of the round's shape; then it
 * multiplies those ciphertexts itself and decrypts only that product. So the coordinator cannot have it decrypt a
 * single site's ciphertext (one upload is below the floor; a ciphertext presented as a sum is never used) nor two
 * different sums of one round (whose difference could isolate one update). Not thread-safe.
 */
public final class HeSite {
    private final String federation;
    private final int id;
    private final PublicKey key;
    private final KeyShare share;
    private final SigningKey identity;
    private final Map<Integer, byte[]> roster;
    private final int minSummands;
    private final SecureRandom random;
    private final Map<Long, byte[]> decided = new HashMap<>();

    /**
     * @param roster every site's Ed25519 public key (X.509), by site id
     * @param minSummands the fewest distinct uploads a sum may have for this site to decrypt it (at least 2)
     */
    public HeSite(String federation, int id, PublicKey key, KeyShare share, SigningKey identity,
            Map<Integer, byte[]> roster, int minSummands, SecureRandom random) {
        if (share.index() != id || minSummands < 2 || !roster.containsKey(id)) {
            throw new IllegalArgumentException("site " + id + " needs its own share, a roster entry and a floor >= 2");
        }
        this.federation = federation;
        this.id = id;
        this.key = key;
        this.share = share;
        this.identity = identity;
        this.roster = Map.copyOf(roster);
        this.minSummands = minSummands;
        this.random = random;
    }

    public int id() {
        return id;
    }

    /** Encrypts the packed plaintexts of this round's update and signs them. */
    public Upload upload(long round, List<BigInteger> plaintexts) {
        List<Ciphertext> cts = new ArrayList<>();
        for (BigInteger m : plaintexts) {
            cts.add(key.encrypt(m, random));
        }
        byte[] signature = identity.sign(Upload.signedBytes(federation, round, id, cts));
        return new Upload(federation, round, id, cts, signature);
    }

    /** Partially decrypts the sum of the request's uploads, or refuses and says which check failed. */
    public DecryptReply decrypt(DecryptRequest request) {
        if (!request.federation().equals(federation)) {
            return refuse("the request is for another federation");
        }
        Set<Integer> senders = new HashSet<>();
        int shape = -1;
        for (Upload u : request.uploads()) {
            if (!u.federation().equals(federation) || u.round() != request.round()) {
                return refuse("an upload is from another federation or round");
            }
            if (!senders.add(u.site())) {
                return refuse("site " + u.site() + " appears twice in the sum");
            }
            byte[] publicKey = roster.get(u.site());
            if (publicKey == null || !SigningKey.verify(SigningKey.Algorithm.ED25519, publicKey, u.signedBytes(),
                    u.signature())) {
                return refuse("the upload of site " + u.site() + " is not signed by its roster key");
            }
            if (shape >= 0 && u.ciphertexts().size() != shape) {
                return refuse("uploads differ in length");
            }
            shape = u.ciphertexts().size();
        }
        if (senders.size() < minSummands) {
            return refuse("the sum has " + senders.size() + " uploads, fewer than the " + minSummands + " this site "
                    + "requires");
        }
        List<Ciphertext> sum = new ArrayList<>(request.uploads().getFirst().ciphertexts());
        try {
            for (Upload u : request.uploads().subList(1, request.uploads().size())) {
                for (int j = 0; j < shape; j++) {
                    sum.set(j, key.add(sum.get(j), u.ciphertexts().get(j)));
                }
            }
        } catch (IllegalArgumentException wrongKey) {
            return refuse("an upload is under another key");
        }
        byte[] digest = HeMessages.sumDigest(List.copyOf(senders), sum);
        byte[] earlier = decided.putIfAbsent(request.round(), digest);
        if (earlier != null && !Arrays.equals(earlier, digest)) {
            return refuse("this site already decrypted a different sum in round " + request.round());
        }
        List<PartialDecryption> partials = new ArrayList<>();
        for (int j = 0; j < sum.size(); j++) {
            byte[] context = HeMessages.decryptionContext(federation, request.round(), digest, j);
            partials.add(share.decrypt(key, sum.get(j), context, random));
        }
        return new DecryptReply.Partials(id, partials);
    }

    private DecryptReply refuse(String reason) {
        return new DecryptReply.Refused(id, reason);
    }
}
