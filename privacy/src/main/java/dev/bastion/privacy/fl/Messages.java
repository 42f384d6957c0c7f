package dev.bastion.privacy.fl;

import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The messages of one secure aggregation round (Bonawitz et al. 2017, figure 4; SecAgg+ of Bell et al. 2020 sends
 * the same messages restricted to graph neighbours). Every message carries a {@link Header} naming the federation,
 * round, stage and sender; receivers refuse any message whose header is not the one they expect, which is what
 * makes replays from other rounds, stages or federations fail. {@link ToServer#wireBytes()} is the size of the
 * canonical encoding, which the round's byte counts report.
 */
public final class Messages {
    private Messages() {
    }

    /** The stages, in order. */
    public enum Stage { ADVERTISE_KEYS, SHARE_KEYS, MASKED_INPUT, CONSISTENCY_CHECK, UNMASKING }

    /** Who sent what, where: sender 0 is the server, clients are 1..n. */
    public record Header(String federation, long round, Stage stage, int sender) {
        public Header {
            if (federation.isBlank() || round < 0 || sender < 0) {
                throw new IllegalArgumentException("a header needs a federation, a round >= 0 and a sender >= 0");
            }
        }

        boolean sameStep(Header expected) {
            return federation.equals(expected.federation) && round == expected.round && stage == expected.stage;
        }
    }

    /** A message from a client to the server. */
    public sealed interface ToServer {
        Header header();

        int wireBytes();
    }

    /** A message from the server to one client. */
    public sealed interface ToClient {
        Header header();

        int recipient();

        int wireBytes();
    }

    /** Stage 0: the client's two fresh X25519 public keys, signed with its long-term (roster) Ed25519 key. */
    public record AdvertiseKeys(Header header, byte[] cipherKey, byte[] maskKey, byte[] signature) implements ToServer {
        static byte[] signedBytes(Header h, byte[] cipherKey, byte[] maskKey) {
            return Wire.of("advertise").header(h).blob(cipherKey).blob(maskKey).bytes();
        }

        @Override
        public int wireBytes() {
            return Wire.of("m").header(header).blob(cipherKey).blob(maskKey).blob(signature).bytes().length;
        }
    }

    /** Server, stage 1: the advertisements of the recipient's neighbours (itself included). */
    public record KeyList(Header header, int recipient, SortedMap<Integer, AdvertiseKeys> keys) implements ToClient {
        public KeyList {
            keys = new TreeMap<>(keys);
        }

        @Override
        public int wireBytes() {
            return 16 + keys.values().stream().mapToInt(AdvertiseKeys::wireBytes).sum();
        }
    }

    /** Stage 1: the client's shares for each neighbour, each sealed to that neighbour. */
    public record EncryptedShares(Header header, SortedMap<Integer, byte[]> sealed) implements ToServer {
        public EncryptedShares {
            sealed = new TreeMap<>(sealed);
        }

        @Override
        public int wireBytes() {
            return 24 + sealed.values().stream().mapToInt(b -> 8 + b.length).sum();
        }
    }

    /** Server, stage 2: the sealed shares addressed to the recipient, by sender. */
    public record SharesForYou(Header header, int recipient, SortedMap<Integer, byte[]> sealed) implements ToClient {
        public SharesForYou {
            sealed = new TreeMap<>(sealed);
        }

        @Override
        public int wireBytes() {
            return 24 + sealed.values().stream().mapToInt(b -> 8 + b.length).sum();
        }
    }

    /** Stage 2: the masked input y_u in Z_2^b (b bits per coordinate on the wire). */
    public record MaskedInput(Header header, long[] masked, int bits) implements ToServer {
        @Override
        public int wireBytes() {
            return 24 + (int) (((long) masked.length * bits + 7) / 8);
        }
    }

    /** Server, stage 3: the clients whose masked input arrived (U3). */
    public record SurvivorList(Header header, int recipient, List<Integer> survivors) implements ToClient {
        public SurvivorList {
            survivors = List.copyOf(survivors);
        }

        @Override
        public int wireBytes() {
            return 24 + 4 * survivors.size();
        }
    }

    /**
     * Stage 3: the client's long-term signature over the survivor list it was sent; in a session round
     * ({@link SecAggSession}), its HMAC tags over the list, one per other survivor (recipient id and 32-byte tag,
     * by id), in the same field.
     */
    public record ConsistencySignature(Header header, byte[] signature) implements ToServer {
        static byte[] signedBytes(String federation, long round, List<Integer> survivors) {
            return Wire.of("survivors").text(federation).number(round).ids(survivors).bytes();
        }

        @Override
        public int wireBytes() {
            return 24 + 4 + signature.length;
        }
    }

    /** Server, stage 4: the signatures of U4 over U3, which each client checks before revealing any share. */
    public record SignatureList(Header header, int recipient, SortedMap<Integer, byte[]> signatures) implements ToClient {
        public SignatureList {
            signatures = new TreeMap<>(signatures);
        }

        @Override
        public int wireBytes() {
            return 24 + signatures.values().stream().mapToInt(b -> 8 + b.length).sum();
        }
    }

    /**
     * Stage 4: shares revealed for unmasking, by owner: of the self-mask seed b_v for survivors, of the mask key
     * s_v for those who dropped after sharing (per-round keys), or, in a session round, of the dropped owner's
     * pair-mask seed with each peer (owner -> peer -> share). Never two kinds for one owner.
     *
     * <p>{@code pairSeeds} (per-round keys, protocol version 2): the pair-mask seed this client masked with for each
     * peer that dropped after sharing, peer -> seed. The server removes those masks with them and rebuilds a
     * dropped client's mask key (t shares, then an X25519 agreement per peer) only for a peer that did not answer
     * this stage. It tells the server nothing the mask-key shares beside it do not: s_v gives every seed of v.
     */
    public record UnmaskShares(Header header, Map<Integer, Shamir.Share> selfMaskShares,
            Map<Integer, Shamir.Share> maskKeyShares, Map<Integer, Map<Integer, Shamir.Share>> pairSeedShares,
            Map<Integer, byte[]> pairSeeds)
            implements ToServer {
        public UnmaskShares {
            selfMaskShares = Map.copyOf(selfMaskShares);
            maskKeyShares = Map.copyOf(maskKeyShares);
            Map<Integer, Map<Integer, Shamir.Share>> copy = new TreeMap<>();
            pairSeedShares.forEach((owner, byPeer) -> copy.put(owner, Map.copyOf(byPeer)));
            pairSeedShares = Map.copyOf(copy);
            Map<Integer, byte[]> seeds = new TreeMap<>();
            pairSeeds.forEach((peer, seed) -> seeds.put(peer, seed.clone()));
            pairSeeds = Collections.unmodifiableMap(seeds);
            for (Integer owner : selfMaskShares.keySet()) {
                if (maskKeyShares.containsKey(owner) || pairSeedShares.containsKey(owner)
                        || pairSeeds.containsKey(owner)) {
                    throw new IllegalArgumentException("both shares of one owner in one message");
                }
            }
            for (Integer owner : maskKeyShares.keySet()) {
                if (pairSeedShares.containsKey(owner)) {
                    throw new IllegalArgumentException("both shares of one owner in one message");
                }
            }
            for (byte[] seed : pairSeeds.values()) {
                if (seed.length != KeyAgreement.SEED_BYTES) {
                    throw new IllegalArgumentException("a pair-mask seed is " + KeyAgreement.SEED_BYTES + " bytes");
                }
            }
        }

        /** A per-round round's message: shares, and the seeds of the masks shared with peers that dropped. */
        public static UnmaskShares perRound(Header header, Map<Integer, Shamir.Share> selfMaskShares,
                Map<Integer, Shamir.Share> maskKeyShares, Map<Integer, byte[]> pairSeeds) {
            return new UnmaskShares(header, selfMaskShares, maskKeyShares, Map.of(), pairSeeds);
        }

        /** A session round's message: self-mask shares, and a dropped owner's pair-seed shares by peer. */
        public static UnmaskShares session(Header header, Map<Integer, Shamir.Share> selfMaskShares,
                Map<Integer, Map<Integer, Shamir.Share>> pairSeedShares) {
            return new UnmaskShares(header, selfMaskShares, Map.of(), pairSeedShares, Map.of());
        }

        @Override
        public int wireBytes() {
            int pairs = pairSeedShares.values().stream().mapToInt(m -> 4 + m.size() * (4 + 4 + Shamir.ELEMENT_BYTES))
                    .sum();
            return 24 + (selfMaskShares.size() + maskKeyShares.size()) * (4 + 4 + Shamir.ELEMENT_BYTES) + pairs
                    + 4 + pairSeeds.size() * (4 + 4 + KeyAgreement.SEED_BYTES);
        }
    }
}
