package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.Header;
import dev.bastion.privacy.fl.Messages.KeyList;
import dev.bastion.privacy.fl.Messages.SharesForYou;
import dev.bastion.privacy.fl.Messages.SignatureList;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.SurvivorList;
import dev.bastion.privacy.fl.Messages.ToClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A server that lies: every honest client must abort, and an aborted client never sends a share. */
class SecAggMaliciousServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Drives an honest server up to (not into) {@code until}, returning the messages it would send for it. */
    private static List<ToClient> runUntil(SecAggFixture f, SecAggServer server, Stage until) {
        for (SecAggClient c : f.clients) {
            server.receive(c.advertise());
        }
        SecAggServer.Step.Send send = (SecAggServer.Step.Send) server.close(Instant.EPOCH);
        while (send.stage() != until) {
            for (ToClient m : send.messages()) {
                SecAggClient.Reply.Send reply = assertInstanceOf(SecAggClient.Reply.Send.class,
                        f.client(m.recipient()).receive(m));
                server.receive(reply.message());
            }
            send = (SecAggServer.Step.Send) server.close(Instant.EPOCH);
        }
        return send.messages();
    }

    private static SecAggFixture fixture() {
        return new SecAggFixture(SecAggConfig.full("fed", 3, 7, 1.0 / 3, 8, 32, TIMEOUT), 21);
    }

    private static void assertAborts(SecAggClient c, ToClient m) {
        SecAggClient.Reply r = c.receive(m);
        assertInstanceOf(SecAggClient.Reply.Abort.class, r);
        assertTrue(c.abortReason().isPresent());
    }

    @Test
    void aReplayedOrMisaddressedServerMessageIsRefused() {
        SecAggFixture f = fixture();
        List<ToClient> keyLists = runUntil(f, new SecAggServer(f.config, Instant.EPOCH), Stage.SHARE_KEYS);
        KeyList forOne = (KeyList) keyLists.get(0);
        assertInstanceOf(SecAggClient.Reply.Send.class, f.client(1).receive(forOne));
        assertAborts(f.client(1), forOne); // the same message again
        KeyList oldRound = new KeyList(new Header("fed", 2, Stage.SHARE_KEYS, 0), 2, ((KeyList) keyLists.get(1)).keys());
        assertAborts(f.client(2), oldRound);
        assertAborts(f.client(3), keyLists.get(3)); // addressed to client 4
        // once aborted, a client answers nothing but the abort, even to a genuine message
        assertAborts(f.client(3), keyLists.get(2));
    }

    @Test
    void theServerRefusesReplaysAndMessagesFromOtherRoundsOrStages() {
        SecAggFixture f = fixture();
        SecAggServer server = new SecAggServer(f.config, Instant.EPOCH);
        AdvertiseKeys a = f.client(1).advertise();
        assertInstanceOf(SecAggServer.Receipt.Accepted.class, server.receive(a));
        assertInstanceOf(SecAggServer.Receipt.Refused.class, server.receive(a));
        AdvertiseKeys otherRound = new AdvertiseKeys(new Header("fed", 9, Stage.ADVERTISE_KEYS, 2), a.cipherKey(),
                a.maskKey(), a.signature());
        assertInstanceOf(SecAggServer.Receipt.Refused.class, server.receive(otherRound));
        AdvertiseKeys stranger = new AdvertiseKeys(new Header("fed", 3, Stage.ADVERTISE_KEYS, 99), a.cipherKey(),
                a.maskKey(), a.signature());
        assertInstanceOf(SecAggServer.Receipt.Refused.class, server.receive(stranger));
    }

    @Test
    void swappedKeysAndFakeSitesMakeClientsAbort() {
        SecAggFixture f = fixture();
        List<ToClient> keyLists = runUntil(f, new SecAggServer(f.config, Instant.EPOCH), Stage.SHARE_KEYS);
        // the server replaces client 2's keys with its own, signed by a key outside the roster
        SigningKey fake = SigningKey.generate(SigningKey.Algorithm.ED25519);
        KeyAgreement.Pair c = KeyAgreement.generate();
        KeyAgreement.Pair s = KeyAgreement.generate();
        Header h = new Header("fed", 3, Stage.ADVERTISE_KEYS, 2);
        AdvertiseKeys forged = new AdvertiseKeys(h, c.publicKey(), s.publicKey(),
                fake.sign(AdvertiseKeys.signedBytes(h, c.publicKey(), s.publicKey())));
        KeyList original = (KeyList) keyLists.get(0);
        SortedMap<Integer, AdvertiseKeys> swapped = new TreeMap<>(original.keys());
        swapped.put(2, forged);
        assertAborts(f.client(1), new KeyList(original.header(), 1, swapped));
        // client 3's own keys changed
        KeyList third = (KeyList) keyLists.get(2);
        SortedMap<Integer, AdvertiseKeys> mine = new TreeMap<>(third.keys());
        mine.put(3, third.keys().get(4));
        assertAborts(f.client(3), new KeyList(third.header(), 3, mine));
        // a key advertised twice under two ids (signature of 5 reused for 6's slot)
        KeyList fifth = (KeyList) keyLists.get(4);
        SortedMap<Integer, AdvertiseKeys> dup = new TreeMap<>(fifth.keys());
        dup.put(6, fifth.keys().get(7));
        assertAborts(f.client(5), new KeyList(fifth.header(), 5, dup));
    }

    @Test
    void lowThresholdsMakeClientsAbortBeforeSharing() {
        SecAggFixture f = fixture(); // n = 7, t = 5
        List<ToClient> keyLists = runUntil(f, new SecAggServer(f.config, Instant.EPOCH), Stage.SHARE_KEYS);
        KeyList first = (KeyList) keyLists.get(0);
        SortedMap<Integer, AdvertiseKeys> few = new TreeMap<>();
        for (int v : List.of(1, 2, 3, 4)) {
            few.put(v, first.keys().get(v));
        }
        assertAborts(f.client(1), new KeyList(first.header(), 1, few));
    }

    @Test
    void tooFewSurvivorsMakeClientsAbortBeforeUnmasking() {
        SecAggFixture f = fixture();
        List<ToClient> lists = runUntil(f, new SecAggServer(f.config, Instant.EPOCH), Stage.CONSISTENCY_CHECK);
        SurvivorList first = (SurvivorList) lists.get(0);
        assertAborts(f.client(1), new SurvivorList(first.header(), 1, List.of(1, 2, 3)));
    }

    @Test
    void splitSurvivorListsAreCaughtByTheConsistencyCheckAndNoShareIsRevealed() {
        SecAggFixture f = fixture();
        SecAggServer server = new SecAggServer(f.config, Instant.EPOCH);
        List<ToClient> lists = runUntil(f, server, Stage.CONSISTENCY_CHECK);
        // the server tells clients 1-3 that client 7 dropped and clients 4-7 that everyone survived: with both views
        // it could get 7's self-mask seed from one group and its mask key from the other, and unmask y_7
        List<Integer> without7 = List.of(1, 2, 3, 4, 5, 6);
        List<Integer> everyone = List.of(1, 2, 3, 4, 5, 6, 7);
        Map<Integer, byte[]> signatures = new TreeMap<>();
        for (ToClient m : lists) {
            SurvivorList s = (SurvivorList) m;
            List<Integer> view = s.recipient() <= 3 ? without7 : everyone;
            SecAggClient.Reply r = f.client(s.recipient()).receive(new SurvivorList(s.header(), s.recipient(), view));
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class, r);
            signatures.put(s.recipient(), ((Messages.ConsistencySignature) sent.message()).signature());
        }
        Header h = new Header("fed", 3, Stage.UNMASKING, 0);
        List<SecAggClient.Reply> replies = new ArrayList<>();
        for (int u = 1; u <= 7; u++) {
            replies.add(f.client(u).receive(new SignatureList(h, u, new TreeMap<>(signatures))));
        }
        for (SecAggClient.Reply r : replies) {
            assertInstanceOf(SecAggClient.Reply.Abort.class, r, "an honest client revealed shares");
        }
        // sending each group only its own group's signatures fails the threshold (3 < 5 and 4 < 5)
        SecAggFixture g = fixture();
        List<ToClient> again = runUntil(g, new SecAggServer(g.config, Instant.EPOCH), Stage.CONSISTENCY_CHECK);
        SortedMap<Integer, byte[]> small = new TreeMap<>();
        for (ToClient m : again) {
            SurvivorList s = (SurvivorList) m;
            if (s.recipient() <= 3) {
                SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class,
                        g.client(s.recipient()).receive(new SurvivorList(s.header(), s.recipient(), without7)));
                small.put(s.recipient(), ((Messages.ConsistencySignature) sent.message()).signature());
            }
        }
        assertAborts(g.client(1), new SignatureList(h, 1, small));
    }

    @Test
    void sharesRedirectedToAnotherClientFailAuthentication() {
        SecAggFixture f = fixture();
        List<ToClient> shares = runUntil(f, new SecAggServer(f.config, Instant.EPOCH), Stage.MASKED_INPUT);
        SharesForYou toOne = (SharesForYou) shares.get(0);
        SharesForYou toTwo = (SharesForYou) shares.get(1);
        SortedMap<Integer, byte[]> moved = new TreeMap<>(toOne.sealed());
        moved.put(3, toTwo.sealed().get(3)); // 3's share for client 2, handed to client 1
        assertAborts(f.client(1), new SharesForYou(toOne.header(), 1, moved));
        assertEquals(7, shares.size());
    }

    @Test
    void inSecAggPlusASplitBetweenTwoHalvesFailsTheQuorumEvenWhenEachHalfHasItsNeighbours() {
        SecAggConfig config = SecAggConfig.plus("fed", 5, 30, 10, 7, 0.2, SecAggConfig.seedFrom(8), 4, 32, TIMEOUT);
        SecAggFixture f = new SecAggFixture(config, 13);
        List<ToClient> lists = runUntil(f, new SecAggServer(config, Instant.EPOCH), Stage.CONSISTENCY_CHECK);
        Map<Integer, byte[]> low = new TreeMap<>();
        Map<Integer, byte[]> high = new TreeMap<>();
        for (ToClient m : lists) {
            SurvivorList s = (SurvivorList) m;
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class,
                    f.client(s.recipient()).receive(s));
            (s.recipient() <= 15 ? low : high).put(s.recipient(), ((Messages.ConsistencySignature) sent.message()).signature());
        }
        Header h = new Header("fed", 5, Stage.UNMASKING, 0);
        for (int u = 1; u <= 30; u++) {
            // each client is shown only its own half's signatures: its holders there may reach t, the quorum (24) not
            assertAborts(f.client(u), new SignatureList(h, u, new TreeMap<>(u <= 15 ? low : high)));
        }
    }
    /**
     * The attack that a neighbours-only consistency check lets through on a Harary ring (docs/federated-learning.md,
     * "Scale", round seven): with t = k/2 + 1, a ring segment S of t clients, cut off by two gaps of k/2 clients the
     * server calls dropped, and the rest R, are each shown their own survivor list. Every client in S and R has t
     * holders that signed its list, and every gap client has t holders (in S and R) whose lists leave it out, so
     * the server would rebuild the self masks of S and the mask keys of the gaps, and learn the sum of S alone: t
     * inputs instead of at least the quorum. The quorum of signatures over one list stops it.
     */
    @Test
    void aRingSegmentShownItsOwnSurvivorListPassesEveryNeighbourhoodYetFailsTheQuorum() {
        int n = 30;
        int k = 10;
        int t = k / 2 + 1;
        SecAggConfig config = SecAggConfig.plus("fed", 5, n, k, t, 0.2, SecAggConfig.seedFrom(9), 4, 32, TIMEOUT);
        int[] ring = SecAggConfig.permutation(n, SecAggConfig.seedFrom(9), "fed", 5);
        List<Integer> segment = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        List<Integer> gaps = new ArrayList<>();
        for (int position = 0; position < n; position++) {
            if (position < t) {
                segment.add(ring[position]);
            } else if (position < t + k / 2 || position >= n - k / 2) {
                gaps.add(ring[position]);
            } else {
                rest.add(ring[position]);
            }
        }
        SecAggFixture f = new SecAggFixture(config, 17);
        List<ToClient> lists = runUntil(f, new SecAggServer(config, Instant.EPOCH), Stage.CONSISTENCY_CHECK);
        Map<Integer, byte[]> segmentSignatures = new TreeMap<>();
        Map<Integer, byte[]> restSignatures = new TreeMap<>();
        for (ToClient m : lists) {
            SurvivorList s = (SurvivorList) m;
            boolean inSegment = segment.contains(s.recipient());
            if (!inSegment && !rest.contains(s.recipient())) {
                continue; // a gap client is told nothing more: to everyone else it dropped
            }
            List<Integer> view = (inSegment ? segment : rest).stream().sorted().toList();
            SecAggClient.Reply.Send sent = assertInstanceOf(SecAggClient.Reply.Send.class,
                    f.client(s.recipient()).receive(new SurvivorList(s.header(), s.recipient(), view)));
            (inSegment ? segmentSignatures : restSignatures).put(s.recipient(),
                    ((Messages.ConsistencySignature) sent.message()).signature());
        }
        for (int u : segment) {
            assertTrue(holdersAmong(config, u, segment) >= t, "a neighbours-only check would pass in the segment");
        }
        for (int u : rest) {
            assertTrue(holdersAmong(config, u, rest) >= t, "a neighbours-only check would pass in the rest");
        }
        for (int g : gaps) {
            assertTrue(holdersAmong(config, g, segment) + holdersAmong(config, g, rest) >= t,
                    "t holders of every gap client would reveal its mask key");
        }
        Header h = new Header("fed", 5, Stage.UNMASKING, 0);
        for (int u : segment) {
            assertAborts(f.client(u), new SignatureList(h, u, new TreeMap<>(segmentSignatures)));
        }
        for (int u : rest) {
            assertAborts(f.client(u), new SignatureList(h, u, new TreeMap<>(restSignatures)));
        }
    }

    private static int holdersAmong(SecAggConfig config, int client, List<Integer> group) {
        return (int) config.holdersOf(client).stream().filter(group::contains).count();
    }
}
