package dev.bastion.privacy.fl;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The public parameters of one secure aggregation round, known to the server and every client before it starts:
 * federation id, round number, clients 1..n, the Shamir threshold t, the vector length and modulus bits, the stage
 * timeout, and who shares with whom. {@link #full} is Bonawitz et al. 2017 (everyone is everyone's neighbour);
 * {@link #plus} is SecAgg+ (Bell et al. 2020): a Harary graph H(n, k) whose vertex labels are permuted by the PRG
 * under the public round seed, so the server cannot choose who neighbours whom.
 *
 * <p>A client's <em>holders</em> are its neighbours and itself: they receive its shares, and t of them must answer
 * for its secrets to be rebuilt. The <em>quorum</em> is how many consistency signatures over one survivor list a
 * client needs, from anyone, before it reveals a share: two disjoint groups cannot both reach it, so a server that
 * shows two groups different survivor lists needs at least 2·quorum - n corrupt clients signing both. In full SecAgg
 * it equals t; in SecAgg+, where t counts holders only, it is n - floor(n · tolerance).
 *
 * <p>{@link Keys} says where the round's keys come from: fresh and signed in this round ({@link Keys#PER_ROUND},
 * {@code keyRound == round}), or from a session opened at {@code keyRound} ({@link Keys#SESSION}, see
 * {@link SecAggSession}: the advertisements signed then are presented again, and the round's pair-mask seeds are
 * derived from the session's pairwise keys and this round's number). Immutable and thread-safe.
 */
public record SecAggConfig(String federation, long round, int clients, int threshold, int quorum, int length,
        int bits, Duration stageTimeout, List<SortedSet<Integer>> holders, Keys keys, long keyRound) {

    /** Fresh signed keys every round (Bonawitz et al.), or a session's keys reused across rounds. */
    public enum Keys { PER_ROUND, SESSION }

    /** The default dropout tolerance: up to a third of the clients may vanish. */
    public static final double DEFAULT_TOLERANCE = 1.0 / 3;

    public SecAggConfig {
        if (federation.isBlank() || round < 0 || clients < 2 || length < 1 || bits < 1 || bits > 62
                || stageTimeout.isNegative() || stageTimeout.isZero()) {
            throw new IllegalArgumentException("need a federation, round >= 0, at least 2 clients, length >= 1, "
                    + "bits in 1..62 and a positive stage timeout");
        }
        if (holders.size() != clients + 1) {
            throw new IllegalArgumentException("holders are listed for clients 1..n (index 0 unused)");
        }
        List<SortedSet<Integer>> copy = new ArrayList<>();
        for (SortedSet<Integer> h : holders) {
            copy.add(Collections.unmodifiableSortedSet(new TreeSet<>(h)));
        }
        holders = List.copyOf(copy);
        if (keys == Keys.PER_ROUND ? keyRound != round : keyRound < 0 || keyRound > round) {
            throw new IllegalArgumentException("per-round keys are advertised in the round itself; a session's in a "
                    + "round at or before this one (key round " + keyRound + ", round " + round + ")");
        }
        for (int u = 1; u <= clients; u++) {
            if (!holders.get(u).contains(u)) {
                throw new IllegalArgumentException("client " + u + " must hold its own share");
            }
            if (threshold < 2 || threshold > holders.get(u).size() || quorum <= clients / 2 || quorum > clients) {
                throw new IllegalArgumentException("threshold " + threshold + " must be in 2.." + holders.get(u).size()
                        + " and the quorum " + quorum + " a majority of " + clients);
            }
            for (int v : holders.get(u)) {
                if (v < 1 || v > clients || !holders.get(v).contains(u)) {
                    throw new IllegalArgumentException("the neighbour graph must be symmetric over 1..n");
                }
            }
        }
    }

    /** Bonawitz et al.: all clients are neighbours; t = n - floor(n * tolerance). */
    public static SecAggConfig full(String federation, long round, int clients, double tolerance, int length, int bits,
            Duration stageTimeout) {
        int t = clients - (int) Math.floor(clients * tolerance);
        List<SortedSet<Integer>> holders = new ArrayList<>();
        holders.add(new TreeSet<>());
        SortedSet<Integer> everyone = new TreeSet<>();
        for (int u = 1; u <= clients; u++) {
            everyone.add(u);
        }
        for (int u = 1; u <= clients; u++) {
            holders.add(everyone);
        }
        return new SecAggConfig(federation, round, clients, t, t, length, bits, stageTimeout, holders,
                Keys.PER_ROUND, round);
    }

    /**
     * This round run on the keys of the session opened at {@code keyRound}. Only for full SecAgg: the session's
     * consistency check authenticates each confirmation with a key shared by the two clients, so every client must
     * hold session keys with every other (a SecAgg+ client shares keys with its neighbours only).
     *
     * @throws IllegalArgumentException when some client is not every other client's neighbour, or keyRound is after
     *     this round
     */
    public SecAggConfig inSession(long keyRound) {
        for (int u = 1; u <= clients; u++) {
            if (holders.get(u).size() != clients) {
                throw new IllegalArgumentException("session keys need full SecAgg (every client each other's "
                        + "neighbour); SecAgg+ runs with per-round keys");
            }
        }
        return new SecAggConfig(federation, round, clients, threshold, quorum, length, bits, stageTimeout, holders,
                Keys.SESSION, keyRound);
    }

    /**
     * SecAgg+: each client shares with k neighbours (k even; at least n - 1 means everyone) of a Harary graph whose
     * labels are permuted by AES-CTR under {@code roundSeed}, threshold t among its k + 1 holders, and a consistency
     * quorum of n - floor(n · tolerance).
     */
    public static SecAggConfig plus(String federation, long round, int clients, int k, int t, double tolerance,
            byte[] roundSeed, int length, int bits, Duration stageTimeout) {
        if (k < 2 || k % 2 != 0) {
            throw new IllegalArgumentException("k must be even and at least 2");
        }
        List<SortedSet<Integer>> holders = new ArrayList<>();
        holders.add(new TreeSet<>());
        for (int u = 1; u <= clients; u++) {
            holders.add(new TreeSet<>(Set.of(u)));
        }
        int[] label = permutation(clients, roundSeed, federation, round);
        int half = Math.min(k / 2, clients / 2);
        for (int i = 0; i < clients; i++) {
            for (int d = 1; d <= half; d++) {
                int a = label[i];
                int b = label[(i + d) % clients];
                holders.get(a).add(b);
                holders.get(b).add(a);
            }
        }
        int quorum = clients - (int) Math.floor(clients * tolerance);
        return new SecAggConfig(federation, round, clients, t, quorum, length, bits, stageTimeout, holders,
                Keys.PER_ROUND, round);
    }

    /** Position i of the ring holds client label[i]: Fisher-Yates driven by the public round seed. */
    static int[] permutation(int n, byte[] roundSeed, String federation, long round) {
        long[] words = Prg.mask(roundSeed, federation + "/" + round + "/graph", n, 62);
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (words[i] % (i + 1)); // bias below 2^-40 for n < 2^22
            int t = label[i];
            label[i] = label[j];
            label[j] = t;
        }
        return label;
    }

    public SortedSet<Integer> holdersOf(int client) {
        return holders.get(client);
    }

    String selfMaskDomain() {
        return federation + "/" + round + "/self-mask";
    }

    String pairMaskDomain() {
        return federation + "/" + round + "/pair-mask";
    }

    byte[] pairInfo(String purpose, int a, int b) {
        return Wire.of(purpose).text(federation).number(round).id(Math.min(a, b)).id(Math.max(a, b)).bytes();
    }

    byte[] shareAssociatedData(int from, int to) {
        return Wire.of("share").text(federation).number(round).id(from).id(to).bytes();
    }

    /** A 32-byte round seed from a number, for tests and simulations (a live round draws it at random). */
    static byte[] seedFrom(long value) {
        return ByteBuffer.allocate(32).putLong(value).array();
    }
}
