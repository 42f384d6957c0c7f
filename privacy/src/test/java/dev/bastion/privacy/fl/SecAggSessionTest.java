package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.ConsistencySignature;
import dev.bastion.privacy.fl.Messages.Header;
import dev.bastion.privacy.fl.Messages.KeyList;
import dev.bastion.privacy.fl.Messages.MaskedInput;
import dev.bastion.privacy.fl.Messages.SignatureList;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.SurvivorList;
import dev.bastion.privacy.fl.Messages.ToClient;
import dev.bastion.privacy.fl.Messages.ToServer;
import dev.bastion.privacy.fl.Messages.UnmaskShares;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Rounds on one session's keys: exact sums across rounds and dropouts, and a lying server learns no input. */
class SecAggSessionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int LENGTH = 16;
    private static final int BITS = 40;

    /** n clients with long-term keys and one session each, opened at key round 1. */
    private static final class Federation {
        final int n;
        final Map<Integer, byte[]> roster = new HashMap<>();
        final Map<Integer, SecAggSession> sessions = new TreeMap<>();
        final Random random;

        Federation(int n, long seed) {
            this.n = n;
            this.random = new Random(seed);
            Map<Integer, SigningKey> identities = new HashMap<>();
            for (int u = 1; u <= n; u++) {
                identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
                roster.put(u, identities.get(u).publicKeyX509());
            }
            for (int u = 1; u <= n; u++) {
                sessions.put(u, new SecAggSession("fed", 1, u, identities.get(u), roster));
            }
        }

        SecAggConfig config(long round) {
            return SecAggConfig.full("fed", round, n, 1.0 / 3, LENGTH, BITS, TIMEOUT).inSession(1);
        }

        Round round(long round) {
            SecAggConfig config = config(round);
            Map<Integer, long[]> inputs = new TreeMap<>();
            List<SecAggClient> clients = new ArrayList<>();
            for (int u = 1; u <= n; u++) {
                long[] x = new long[LENGTH];
                for (int j = 0; j < LENGTH; j++) {
                    x[j] = random.nextLong() & ((1L << BITS) - 1);
                }
                inputs.put(u, x);
                clients.add(new SecAggClient(config, sessions.get(u), x, new Random(random.nextLong())));
            }
            return new Round(config, inputs, clients);
        }
    }

    private record Round(SecAggConfig config, Map<Integer, long[]> inputs, List<SecAggClient> clients) {
        SecAggClient client(int id) {
            return clients.get(id - 1);
        }

        long[] plainSum(SortedSet<Integer> included) {
            long[] sum = new long[LENGTH];
            for (int u : included) {
                SecAggClient.addInto(sum, inputs.get(u), 1, (1L << BITS) - 1);
            }
            return sum;
        }

        InProcessRound.Report run(InProcessRound.Dropout dropout) {
            return InProcessRound.run(config, clients, dropout, m -> { });
        }
    }

    @Test
    void aSessionReusedOverFiveRoundsSumsEveryRoundExactlyAndChecksEachAdvertisementOnce() {
        Federation fed = new Federation(8, 1);
        for (long r = 1; r <= 5; r++) {
            Round round = fed.round(r);
            InProcessRound.Report report = round.run(InProcessRound.Dropout.NONE);
            SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, report.outcome());
            assertEquals(8, done.included().size());
            assertArrayEquals(round.plainSum(done.included()), done.sum(), "round " + r);
        }
        for (SecAggSession s : fed.sessions.values()) {
            assertEquals(7, s.verifications(), "each peer's advertisement is verified once in five rounds");
        }
    }

    @Test
    void dropoutsBeforeAndAfterMaskingLeaveTheExactSumOfTheSurvivorsAndTheDroppedRejoin() {
        Federation fed = new Federation(10, 2);
        // 2 vanishes before sharing, 5 after sharing but before its masked input (its pair seeds are rebuilt),
        // 8 after its masked input (included; its self-mask seed is rebuilt from its holders)
        Round first = fed.round(1);
        Map<Integer, Stage> dropAt = Map.of(2, Stage.SHARE_KEYS, 5, Stage.MASKED_INPUT, 8, Stage.CONSISTENCY_CHECK);
        InProcessRound.Report a = first.run((client, stage) -> stage == dropAt.get(client));
        SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, a.outcome());
        assertEquals(new TreeSet<>(List.of(1, 3, 4, 6, 7, 8, 9, 10)), done.included());
        assertArrayEquals(first.plainSum(done.included()), done.sum());

        // the next round of the same session: everyone back; 4 drops before its masked input, 9 during unmasking
        Round second = fed.round(2);
        Map<Integer, Stage> later = Map.of(4, Stage.MASKED_INPUT, 9, Stage.UNMASKING);
        InProcessRound.Report b = second.run((client, stage) -> stage == later.get(client));
        SecAggServer.Step.Done again = assertInstanceOf(SecAggServer.Step.Done.class, b.outcome());
        assertEquals(new TreeSet<>(List.of(1, 2, 3, 5, 6, 7, 8, 9, 10)), again.included());
        assertArrayEquals(second.plainSum(again.included()), again.sum());
    }

    @Test
    void moreDropoutsThanTheToleranceAbortWithNoOutput() {
        Federation fed = new Federation(9, 3);
        Round round = fed.round(1);
        InProcessRound.Report r = round.run((client, stage) -> client <= 4 && stage == Stage.MASKED_INPUT);
        assertInstanceOf(SecAggServer.Step.Aborted.class, r.outcome());
    }

    /** Drives an honest server and the round's clients up to (not into) {@code until}. */
    private static List<ToClient> runUntil(Round round, SecAggServer server, Stage until, List<ToServer> seen) {
        for (SecAggClient c : round.clients()) {
            AdvertiseKeys a = c.advertise();
            seen.add(a);
            server.receive(a);
        }
        SecAggServer.Step.Send send = (SecAggServer.Step.Send) server.close(Instant.EPOCH);
        while (send.stage() != until) {
            for (ToClient m : send.messages()) {
                SecAggClient.Reply.Send reply = assertInstanceOf(SecAggClient.Reply.Send.class,
                        round.client(m.recipient()).receive(m));
                seen.add(reply.message());
                server.receive(reply.message());
            }
            send = (SecAggServer.Step.Send) server.close(Instant.EPOCH);
        }
        return send.messages();
    }

    /** The pair seeds of {@code owner} with each peer, rebuilt from the revealed shares (at least t of each). */
    private static Map<Integer, byte[]> rebuildPairSeeds(int owner, List<UnmaskShares> revealed, int t) {
        Map<Integer, List<Shamir.Share>> byPeer = new TreeMap<>();
        for (UnmaskShares m : revealed) {
            m.pairSeedShares().getOrDefault(owner, Map.of())
                    .forEach((peer, share) -> byPeer.computeIfAbsent(peer, p -> new ArrayList<>()).add(share));
        }
        Map<Integer, byte[]> seeds = new TreeMap<>();
        byPeer.forEach((peer, shares) -> {
            assertTrue(shares.size() >= t);
            seeds.put(peer, Shamir.reconstruct(shares.subList(0, t)));
        });
        return seeds;
    }

    @Test
    void aServerThatCallsALiveClientDroppedLearnsThatRoundsPairSeedsButNeverItsInputThenOrLater() {
        Federation fed = new Federation(7, 4); // t = 5, quorum 5
        Round round = fed.round(1);
        SecAggServer server = new SecAggServer(round.config(), Instant.EPOCH);
        List<ToServer> seen = new ArrayList<>();
        List<ToClient> lists = runUntil(round, server, Stage.CONSISTENCY_CHECK, seen);
        long[] y7 = seen.stream().filter(m -> m instanceof MaskedInput && m.header().sender() == 7)
                .map(m -> ((MaskedInput) m).masked()).findFirst().orElseThrow();
        // client 7 sent its masked input, but the server tells 1-6 that it dropped, and 7 nothing
        List<Integer> without7 = List.of(1, 2, 3, 4, 5, 6);
        SortedMap<Integer, byte[]> tags = new TreeMap<>();
        for (ToClient m : lists) {
            if (m.recipient() == 7) {
                continue;
            }
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class, round.client(m.recipient())
                    .receive(new SurvivorList(m.header(), m.recipient(), without7)));
            tags.put(m.recipient(), ((ConsistencySignature) sent.message()).signature());
        }
        List<UnmaskShares> revealed = new ArrayList<>();
        for (int u = 1; u <= 6; u++) {
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class, round.client(u)
                    .receive(new SignatureList(new Header("fed", 1, Stage.UNMASKING, 0), u, tags)));
            UnmaskShares shares = (UnmaskShares) sent.message();
            assertFalse(shares.selfMaskShares().containsKey(7), "a share of 7's self-mask seed was revealed");
            assertTrue(shares.maskKeyShares().isEmpty(), "a session round reveals no mask key");
            revealed.add(shares);
        }
        // the server rebuilds 7's pair seeds of round 1 and removes them: 7's self mask still hides its input
        Map<Integer, byte[]> seeds = rebuildPairSeeds(7, revealed, 5);
        assertEquals(6, seeds.size());
        long[] residue = y7.clone();
        for (Map.Entry<Integer, byte[]> e : seeds.entrySet()) {
            assertArrayEquals(fed.sessions.get(7).pairSeed(e.getKey(), round.config().pairInfo("pair-mask", 7,
                    e.getKey())), e.getValue(), "the rebuilt seed is the one 7 masked with");
            Prg.maskInto(residue, e.getValue(), round.config().pairMaskDomain(), -1, BITS);
        }
        assertNoCoordinateEquals(round.inputs().get(7), residue);

        // round 2 of the same session, run honestly: 7 survives and its self-mask seed is rebuilt by the server.
        // The round-1 pair seeds do not remove 7's round-2 pair masks: they are derived for each round.
        Round next = fed.round(2);
        List<ToServer> seen2 = new ArrayList<>();
        SecAggServer honest = new SecAggServer(next.config(), Instant.EPOCH);
        List<ToClient> last = runUntil(next, honest, Stage.UNMASKING, seen2);
        List<UnmaskShares> revealed2 = new ArrayList<>();
        for (ToClient m : last) {
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class,
                    next.client(m.recipient()).receive(m));
            revealed2.add((UnmaskShares) sent.message());
        }
        List<Shamir.Share> selfShares = new ArrayList<>();
        for (UnmaskShares m : revealed2) {
            assertTrue(m.pairSeedShares().isEmpty(), "no pair seed is revealed when nobody dropped");
            selfShares.add(m.selfMaskShares().get(7));
        }
        byte[] b7 = Shamir.reconstruct(selfShares.subList(0, 5));
        long[] y7next = seen2.stream().filter(m -> m instanceof MaskedInput && m.header().sender() == 7)
                .map(m -> ((MaskedInput) m).masked()).findFirst().orElseThrow();
        long[] attempt = y7next.clone();
        Prg.maskInto(attempt, b7, next.config().selfMaskDomain(), -1, BITS);
        for (Map.Entry<Integer, byte[]> e : seeds.entrySet()) {
            assertFalse(Arrays.equals(e.getValue(), fed.sessions.get(7).pairSeed(e.getKey(),
                    next.config().pairInfo("pair-mask", 7, e.getKey()))), "a pair seed repeats across rounds");
            Prg.maskInto(attempt, e.getValue(), next.config().pairMaskDomain(), -1, BITS);
        }
        assertNoCoordinateEquals(next.inputs().get(7), attempt);
    }

    private static void assertNoCoordinateEquals(long[] input, long[] residue) {
        for (int j = 0; j < input.length; j++) {
            assertTrue(input[j] != residue[j], "coordinate " + j + " of the input is exposed");
        }
    }

    @Test
    void aTamperedAdvertisementSignatureIsRefusedInTheFirstRoundAndAChangedOneLater() {
        Federation fed = new Federation(6, 5);
        Round round = fed.round(1);
        List<ToClient> keyLists = runUntil(round, new SecAggServer(round.config(), Instant.EPOCH), Stage.SHARE_KEYS,
                new ArrayList<>());
        KeyList first = (KeyList) keyLists.get(0);
        SortedMap<Integer, AdvertiseKeys> keys = new TreeMap<>(first.keys());
        AdvertiseKeys a3 = keys.get(3);
        byte[] bad = a3.signature().clone();
        bad[5] ^= 1;
        keys.put(3, new AdvertiseKeys(a3.header(), a3.cipherKey(), a3.maskKey(), bad));
        SecAggClient.Reply r = round.client(1).receive(new KeyList(first.header(), 1, keys));
        assertInstanceOf(SecAggClient.Reply.Abort.class, r);

        // client 2 accepts the genuine list in round 1; in round 2 the server swaps in 3's advertisement of another
        // session (validly signed by 3, but not the keys 2 accepted): refused without a new verification
        KeyList forTwo = (KeyList) keyLists.get(1);
        assertInstanceOf(SecAggClient.Reply.Send.class, round.client(2).receive(forTwo));
        SigningKey other = SigningKey.generate(SigningKey.Algorithm.ED25519);
        Map<Integer, byte[]> roster = new HashMap<>(fed.roster);
        roster.put(3, other.publicKeyX509());
        AdvertiseKeys foreign = new SecAggSession("fed", 1, 3, other, roster).advert();
        Round next = fed.round(2);
        List<ToClient> lists2 = runUntil(next, new SecAggServer(next.config(), Instant.EPOCH), Stage.SHARE_KEYS,
                new ArrayList<>());
        KeyList two = (KeyList) lists2.get(1);
        SortedMap<Integer, AdvertiseKeys> swapped = new TreeMap<>(two.keys());
        swapped.put(3, foreign);
        int before = fed.sessions.get(2).verifications();
        assertInstanceOf(SecAggClient.Reply.Abort.class, next.client(2).receive(new KeyList(two.header(), 2, swapped)));
        assertEquals(before, fed.sessions.get(2).verifications());
    }

    @Test
    void aForgedOrReflectedConsistencyTagIsRefused() {
        Federation fed = new Federation(6, 6); // t = quorum = 4
        Round round = fed.round(1);
        List<ToClient> lists = runUntil(round, new SecAggServer(round.config(), Instant.EPOCH),
                Stage.CONSISTENCY_CHECK, new ArrayList<>());
        SortedMap<Integer, byte[]> tags = new TreeMap<>();
        for (ToClient m : lists) {
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class,
                    round.client(m.recipient()).receive(m));
            tags.put(m.recipient(), ((ConsistencySignature) sent.message()).signature());
        }
        Header h = new Header("fed", 1, Stage.UNMASKING, 0);
        // a flipped bit in 4's tag to client 6 (the last in 4's list)
        SortedMap<Integer, byte[]> forged = new TreeMap<>(tags);
        byte[] flipped = forged.get(4).clone();
        flipped[flipped.length - 1] ^= 1;
        forged.put(4, flipped);
        assertInstanceOf(SecAggClient.Reply.Abort.class, round.client(6).receive(new SignatureList(h, 6, forged)));
        // client 2's tag to 5, handed back to 2 as 5's tag to 2: the pair's key is the same both ways, the direction
        // inside the tag is what tells them apart
        byte[] twoToFive = tagsOf(tags.get(2)).get(5);
        SortedMap<Integer, byte[]> reflected = new TreeMap<>(tags);
        reflected.put(5, Wire.of("tags").id(1).id(2).blob(twoToFive).bytes());
        assertInstanceOf(SecAggClient.Reply.Abort.class, round.client(2).receive(new SignatureList(h, 2, reflected)));
        // a truncated tag list is refused, not an exception
        SortedMap<Integer, byte[]> truncated = new TreeMap<>(tags);
        truncated.put(4, Arrays.copyOf(tags.get(4), 13));
        assertInstanceOf(SecAggClient.Reply.Abort.class, round.client(5).receive(new SignatureList(h, 5, truncated)));
        // the genuine tags are accepted
        assertInstanceOf(SecAggClient.Reply.Send.class, round.client(3).receive(new SignatureList(h, 3, tags)));
    }

    /** A tag blob: recipient id -> 32-byte tag. */
    private static Map<Integer, byte[]> tagsOf(byte[] blob) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(blob);
        b.position(b.getShort() + 2);
        int count = b.getInt();
        Map<Integer, byte[]> out = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int to = b.getInt();
            byte[] tag = new byte[b.getInt()];
            b.get(tag);
            out.put(to, tag);
        }
        return out;
    }

    @Test
    void sessionKeysNeedFullSecAggAndAMatchingSession() {
        SecAggConfig plus = SecAggConfig.plus("fed", 2, 30, 10, 7, 0.2, SecAggConfig.seedFrom(1), 4, 32, TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> plus.inSession(1));
        SecAggConfig full = SecAggConfig.full("fed", 2, 5, 1.0 / 3, 4, 32, TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> full.inSession(3));
        Federation fed = new Federation(5, 7);
        assertThrows(IllegalArgumentException.class, () -> new SecAggClient(full.inSession(2), fed.sessions.get(1),
                new long[4], new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> new SecAggClient(full, fed.sessions.get(1),
                new long[4], new Random(1)));
    }
}
