package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.ToClient;
import dev.bastion.privacy.fl.Messages.ToServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final WireCodec CODEC = new WireCodec(WireCodec.Limits.DEFAULT);
    private static final List<byte[]> FRAMES = new ArrayList<>();
    private static final Set<Integer> TAGS_SEEN = new java.util.HashSet<>();
    private static SecAggServer.Step.Done done;
    private static SecAggFixture fixture;

    /** One real round of 6 clients where every message crosses the codec, and the 2nd client drops at stage 3. */
    static {
        aRoundThroughTheCodec(); // jqwik properties do not run JUnit's @BeforeAll
    }

    private static void aRoundThroughTheCodec() {
        fixture = new SecAggFixture(SecAggConfig.full("fed-a", 3, 6, 1.0 / 3, 9, 37, Duration.ofSeconds(5)), 11);
        SecAggServer server = new SecAggServer(fixture.config, Instant.EPOCH);
        for (SecAggClient c : fixture.clients) {
            server.receive(viaServerCodec(c.advertise()));
        }
        Instant now = Instant.EPOCH;
        while (true) {
            SecAggServer.Step step = server.close(now);
            if (step instanceof SecAggServer.Step.Waiting w) {
                now = w.deadline().plusMillis(1);
                continue;
            }
            if (!(step instanceof SecAggServer.Step.Send send)) {
                done = assertInstanceOf(SecAggServer.Step.Done.class, step);
                return;
            }
            for (ToClient m : send.messages()) {
                if (m.recipient() == 2 && send.stage() == Stage.CONSISTENCY_CHECK) {
                    continue;
                }
                SecAggClient c = fixture.client(m.recipient());
                if (c.receive(viaClientCodec(m)) instanceof SecAggClient.Reply.Send s) {
                    assertEquals(new SecAggServer.Receipt.Accepted(), server.receive(viaServerCodec(s.message())));
                }
            }
        }
    }

    private static ToServer viaServerCodec(ToServer m) {
        byte[] frame = CODEC.encode(m);
        FRAMES.add(frame);
        TAGS_SEEN.add(ByteBuffer.wrap(frame, 2 + WireCodec.VERSION.length(), 4).getInt());
        ToServer back = assertInstanceOf(WireCodec.Decoded.Ok.class, CODEC.decodeToServer(frame)).message() instanceof ToServer t
                ? t : null;
        assertArrayEquals(frame, CODEC.encode(back), "decode then encode gives the same bytes");
        return back;
    }

    private static ToClient viaClientCodec(ToClient m) {
        byte[] frame = CODEC.encode(m);
        FRAMES.add(frame);
        TAGS_SEEN.add(ByteBuffer.wrap(frame, 2 + WireCodec.VERSION.length(), 4).getInt());
        ToClient back = assertInstanceOf(WireCodec.Decoded.Ok.class, CODEC.decodeToClient(frame)).message() instanceof ToClient t
                ? t : null;
        assertArrayEquals(frame, CODEC.encode(back), "decode then encode gives the same bytes");
        return back;
    }

    @Test
    void aRoundWhoseEveryMessageCrossedTheCodecSumsTheSurvivorsExactly() {
        assertEquals(Set.of(1, 2, 3, 4, 5, 6), done.included());
        assertArrayEquals(fixture.plainSum(done.included()), done.sum());
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9), TAGS_SEEN, "every message type was encoded and decoded");
    }

    @Test
    void aMaskedInputTakesBitsPerCoordinateOnTheWire() {
        long[] values = {0, 1, (1L << 37) - 1, 12345678901L};
        assertArrayEquals(values, WireCodec.unpack(WireCodec.pack(values, 37), 4, 37));
        assertEquals((4 * 37 + 7) / 8, WireCodec.pack(values, 37).length);
    }

    @Test
    void everyTruncationOfEveryFrameIsRefused() {
        for (byte[] frame : FRAMES) {
            for (int cut = 0; cut < frame.length; cut += Math.max(1, frame.length / 40)) {
                byte[] shorter = java.util.Arrays.copyOf(frame, cut);
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(shorter));
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToClient(shorter));
            }
        }
    }

    @Test
    void trailingBytesAndAnUnknownVersionAreRefused() {
        byte[] frame = FRAMES.getFirst();
        byte[] longer = java.util.Arrays.copyOf(frame, frame.length + 1);
        assertEquals("trailing bytes after the message",
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(longer)).reason());
        byte[] other = frame.clone();
        other[2 + WireCodec.VERSION.length() - 1] = '9';
        assertEquals("unknown frame version",
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(other)).reason());
    }

    @Test
    void theUnmaskingMessageCarriesTheRevealedPairSeedsAndRefusesASeedOfTheWrongLength() {
        Messages.Header h = new Messages.Header("f", 2, Stage.UNMASKING, 4);
        byte[] seed = new byte[KeyAgreement.SEED_BYTES];
        seed[0] = 7;
        Messages.UnmaskShares sent = Messages.UnmaskShares.perRound(h,
                java.util.Map.of(1, new Shamir.Share(4, java.math.BigInteger.TEN)),
                java.util.Map.of(3, new Shamir.Share(4, java.math.BigInteger.TWO)), java.util.Map.of(3, seed));
        byte[] frame = CODEC.encode(sent);
        Messages.UnmaskShares back = assertInstanceOf(Messages.UnmaskShares.class,
                assertInstanceOf(WireCodec.Decoded.Ok.class, CODEC.decodeToServer(frame)).message());
        assertEquals(Set.of(3), back.pairSeeds().keySet());
        assertArrayEquals(seed, back.pairSeeds().get(3));
        assertArrayEquals(frame, CODEC.encode(back));

        byte[] shortSeed = Wire.of(WireCodec.VERSION).id(9).header(h).id(0).id(0).id(1).id(3).blob(new byte[31]).bytes();
        assertEquals("a field is out of range",
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(shortSeed)).reason());
        // a seed for a peer whose self-mask share the same message reveals would give the server both
        IllegalArgumentException both = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Messages.UnmaskShares.perRound(h, java.util.Map.of(3, new Shamir.Share(4, java.math.BigInteger.TEN)),
                        java.util.Map.of(), java.util.Map.of(3, seed)));
        assertEquals("both shares of one owner in one message", both.getMessage());
    }

    @Test
    void aCountLargerThanTheFrameIsRefusedBeforeAnyAllocation() {
        byte[] frame = Wire.of(WireCodec.VERSION).id(3).header(new Messages.Header("f", 1, Stage.SHARE_KEYS, 1))
                .id(Integer.MAX_VALUE - 1).bytes();
        assertEquals("count out of range at entries",
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(frame)).reason());
        byte[] huge = Wire.of(WireCodec.VERSION).id(5).header(new Messages.Header("f", 1, Stage.MASKED_INPUT, 1))
                .id(40).id(9_000_000).bytes();
        assertEquals("truncated frame at masked input",
                assertInstanceOf(WireCodec.Decoded.Refused.class, CODEC.decodeToServer(huge)).reason());
    }

    @Test
    void aMessageOfAnOlderRoundOrStageIsRefusedByTheServer() {
        SecAggFixture next = new SecAggFixture(SecAggConfig.full("fed-a", 4, 6, 1.0 / 3, 9, 37, Duration.ofSeconds(5)), 12);
        SecAggServer server = new SecAggServer(next.config, Instant.EPOCH);
        ToServer oldAdvert = ((WireCodec.Decoded.Ok<ToServer>) CODEC.decodeToServer(FRAMES.getFirst())).message();
        assertEquals(3, oldAdvert.header().round());
        assertInstanceOf(SecAggServer.Receipt.Refused.class, server.receive(oldAdvert));
        ToServer fresh = next.client(1).advertise();
        assertInstanceOf(SecAggServer.Receipt.Accepted.class, server.receive(fresh));
        assertInstanceOf(SecAggServer.Receipt.Refused.class, server.receive(fresh), "the same frame twice");
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAndNeverDecodeToServerMessagesOfBothDirections(@ForAll byte[] noise) {
        WireCodec.Decoded<ToServer> up = CODEC.decodeToServer(noise);
        WireCodec.Decoded<ToClient> down = CODEC.decodeToClient(noise);
        assertFalse(up instanceof WireCodec.Decoded.Ok && down instanceof WireCodec.Decoded.Ok);
    }

    @Property(tries = 3000)
    void flippedBitsInRealFramesGiveAnOutcomeNotAnException(@ForAll @IntRange(min = 0, max = 10_000) int which,
            @ForAll @IntRange(min = 0, max = 1_000_000) int position, @ForAll @IntRange(min = 0, max = 7) int bit) {
        byte[] frame = FRAMES.get(which % FRAMES.size()).clone();
        frame[position % frame.length] ^= (byte) (1 << bit);
        WireCodec.Decoded<ToServer> up = CODEC.decodeToServer(frame);
        WireCodec.Decoded<ToClient> down = CODEC.decodeToClient(frame);
        if (up instanceof WireCodec.Decoded.Ok<ToServer> ok) {
            assertArrayEquals(frame, CODEC.encode(ok.message()), "what decodes is canonical");
        }
        if (down instanceof WireCodec.Decoded.Ok<ToClient> ok) {
            assertArrayEquals(frame, CODEC.encode(ok.message()), "what decodes is canonical");
        }
    }
}
