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
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Frames for the protocol's messages: the canonical {@link Wire} encoding behind a version label and a type tag,
 * and the decoder that reads them back. Decoding is total: a malformed, truncated, oversized or trailing-garbage
 * frame gives {@link Decoded.Refused} naming the field, never an exception and never an allocation larger than the
 * frame (see {@link WireReader}). Replays are not the codec's business: a decoded message still carries its header,
 * which the state machines check against the federation, round and stage they expect.
 *
 * <p>Layout: {@code text "bastion-fl/2", int tag, header, body}, body fields in record order; maps are a count and
 * then (key, value) pairs in increasing key order; a masked input is its bit width, its length and the
 * coordinates packed big-endian at that width. Version 2 (round eleven) added the unmasking message's revealed
 * pair-mask seeds after its two share maps; a version-1 peer is refused by the label. Immutable and thread-safe.
 */
public final class WireCodec {

    /** The version label every frame starts with. */
    public static final String VERSION = "bastion-fl/2";

    /** Upper bounds a decoder enforces beyond the frame size itself. */
    public record Limits(int maxEntries, int maxBlobBytes, int maxLength) {
        public Limits {
            if (maxEntries < 1 || maxBlobBytes < 64 || maxLength < 1) {
                throw new IllegalArgumentException("limits must be positive (blobs at least 64 bytes)");
            }
        }

        /** 100,000 clients, 4 KiB keys/signatures/sealed shares, 10^7 coordinates. */
        public static final Limits DEFAULT = new Limits(100_000, 4096, 10_000_000);
    }

    /** A decoded frame, or why it was refused. */
    public sealed interface Decoded<T> {
        record Ok<T>(T message) implements Decoded<T> {
        }

        record Refused<T>(String reason) implements Decoded<T> {
        }
    }

    private static final int ADVERTISE = 1;
    private static final int KEY_LIST = 2;
    private static final int ENCRYPTED_SHARES = 3;
    private static final int SHARES_FOR_YOU = 4;
    private static final int MASKED_INPUT = 5;
    private static final int SURVIVOR_LIST = 6;
    private static final int CONSISTENCY = 7;
    private static final int SIGNATURE_LIST = 8;
    private static final int UNMASK = 9;
    private static final int FEDERATION_MAX = 128;

    private final Limits limits;

    public WireCodec(Limits limits) {
        this.limits = limits;
    }

    public byte[] encode(ToServer message) {
        return switch (message) {
            case AdvertiseKeys m -> advert(start(ADVERTISE), m).bytes();
            case EncryptedShares m -> blobs(start(ENCRYPTED_SHARES).header(m.header()), m.sealed()).bytes();
            case MaskedInput m -> start(MASKED_INPUT).header(m.header()).id(m.bits()).id(m.masked().length)
                    .blob(pack(m.masked(), m.bits())).bytes();
            case ConsistencySignature m -> start(CONSISTENCY).header(m.header()).blob(m.signature()).bytes();
            case UnmaskShares m -> {
                if (!m.pairSeedShares().isEmpty()) {
                    throw new IllegalArgumentException("session rounds (pair-mask seed shares) run in fl simulate "
                            + "only; the network carries per-round rounds");
                }
                yield blobs(shares(shares(start(UNMASK).header(m.header()), m.selfMaskShares()), m.maskKeyShares()),
                        new TreeMap<>(m.pairSeeds())).bytes();
            }
        };
    }

    public byte[] encode(ToClient message) {
        return switch (message) {
            case KeyList m -> {
                Wire w = start(KEY_LIST).header(m.header()).id(m.recipient()).id(m.keys().size());
                m.keys().forEach((id, a) -> advert(w.id(id), a));
                yield w.bytes();
            }
            case SharesForYou m -> blobs(start(SHARES_FOR_YOU).header(m.header()).id(m.recipient()), m.sealed()).bytes();
            case SurvivorList m -> start(SURVIVOR_LIST).header(m.header()).id(m.recipient()).ids(m.survivors()).bytes();
            case SignatureList m -> blobs(start(SIGNATURE_LIST).header(m.header()).id(m.recipient()), m.signatures())
                    .bytes();
        };
    }

    public Decoded<ToServer> decodeToServer(byte[] frame) {
        try {
            WireReader r = reader(frame);
            int tag = r.id("tag");
            Header h = header(r);
            ToServer m = switch (tag) {
                case ADVERTISE -> advert(r, h);
                case ENCRYPTED_SHARES -> new EncryptedShares(h, blobs(r));
                case MASKED_INPUT -> masked(r, h);
                case CONSISTENCY -> new ConsistencySignature(h, r.blob("signature", limits.maxBlobBytes()));
                case UNMASK -> UnmaskShares.perRound(h, shares(r), shares(r), blobs(r));
                default -> throw new WireReader.Malformed("not a client-to-server message type");
            };
            r.end();
            return new Decoded.Ok<>(m);
        } catch (WireReader.Malformed e) {
            return new Decoded.Refused<>(e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Decoded.Refused<>("a field is out of range");
        }
    }

    public Decoded<ToClient> decodeToClient(byte[] frame) {
        try {
            WireReader r = reader(frame);
            int tag = r.id("tag");
            Header h = header(r);
            int recipient = r.id("recipient");
            ToClient m = switch (tag) {
                case KEY_LIST -> {
                    int n = r.count("keys", limits.maxEntries(), 4);
                    SortedMap<Integer, AdvertiseKeys> keys = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        int id = r.id("key owner");
                        if (!keys.isEmpty() && id <= keys.lastKey()) {
                            throw new WireReader.Malformed("key owners not strictly increasing");
                        }
                        keys.put(id, advert(r, header(r)));
                    }
                    yield new KeyList(h, recipient, keys);
                }
                case SHARES_FOR_YOU -> new SharesForYou(h, recipient, blobs(r));
                case SURVIVOR_LIST -> new SurvivorList(h, recipient, r.ids("survivors", limits.maxEntries()));
                case SIGNATURE_LIST -> new SignatureList(h, recipient, blobs(r));
                default -> throw new WireReader.Malformed("not a server-to-client message type");
            };
            r.end();
            return new Decoded.Ok<>(m);
        } catch (WireReader.Malformed e) {
            return new Decoded.Refused<>(e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Decoded.Refused<>("a field is out of range");
        }
    }

    private static Wire start(int tag) {
        return Wire.of(VERSION).id(tag);
    }

    private static WireReader reader(byte[] frame) {
        WireReader r = new WireReader(frame);
        if (!VERSION.equals(r.text("version", 32))) {
            throw new WireReader.Malformed("unknown frame version");
        }
        return r;
    }

    private Header header(WireReader r) {
        String federation = r.text("federation", FEDERATION_MAX);
        long round = r.number("round");
        String stage = r.text("stage", 32);
        Stage s;
        try {
            s = Stage.valueOf(stage);
        } catch (IllegalArgumentException e) {
            throw new WireReader.Malformed("unknown stage");
        }
        return new Header(federation, round, s, r.id("sender"));
    }

    private static Wire advert(Wire w, AdvertiseKeys a) {
        return w.header(a.header()).blob(a.cipherKey()).blob(a.maskKey()).blob(a.signature());
    }

    private AdvertiseKeys advert(WireReader r, Header h) {
        return new AdvertiseKeys(h, r.blob("cipher key", limits.maxBlobBytes()), r.blob("mask key",
                limits.maxBlobBytes()), r.blob("signature", limits.maxBlobBytes()));
    }

    private static Wire blobs(Wire w, SortedMap<Integer, byte[]> map) {
        w.id(map.size());
        map.forEach((id, b) -> w.id(id).blob(b));
        return w;
    }

    private SortedMap<Integer, byte[]> blobs(WireReader r) {
        int n = r.count("entries", limits.maxEntries(), 8);
        SortedMap<Integer, byte[]> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int id = r.id("entry id");
            if (!out.isEmpty() && id <= out.lastKey()) {
                throw new WireReader.Malformed("entry ids not strictly increasing");
            }
            out.put(id, r.blob("entry", limits.maxBlobBytes()));
        }
        return out;
    }

    private static Wire shares(Wire w, Map<Integer, Shamir.Share> map) {
        w.id(map.size());
        new TreeMap<>(map).forEach((owner, s) -> w.id(owner).id(s.x()).element(s.y()));
        return w;
    }

    private Map<Integer, Shamir.Share> shares(WireReader r) {
        int n = r.count("shares", limits.maxEntries(), 8 + Shamir.ELEMENT_BYTES);
        Map<Integer, Shamir.Share> out = new HashMap<>();
        int last = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            int owner = r.id("share owner");
            if (i > 0 && owner <= last) {
                throw new WireReader.Malformed("share owners not strictly increasing");
            }
            last = owner;
            out.put(owner, new Shamir.Share(r.id("share x"), r.element("share y")));
        }
        return out;
    }

    private MaskedInput masked(WireReader r, Header h) {
        int bits = r.id("bits");
        int length = r.id("length");
        if (bits < 1 || bits > 62 || length < 1 || length > limits.maxLength()) {
            throw new WireReader.Malformed("bits or length out of range");
        }
        long packed = ((long) length * bits + 7) / 8;
        if (packed > r.remaining()) {
            throw new WireReader.Malformed("truncated frame at masked input");
        }
        byte[] b = r.blob("masked input", (int) packed);
        if (b.length != packed) {
            throw new WireReader.Malformed("masked input of the wrong size");
        }
        return new MaskedInput(h, unpack(b, length, bits), bits);
    }

    /** Coordinates of {@code bits} bits each, most significant first, zero-padded to a whole byte. */
    static byte[] pack(long[] values, int bits) {
        byte[] out = new byte[(int) (((long) values.length * bits + 7) / 8)];
        long pos = 0;
        for (long v : values) {
            for (int i = bits - 1; i >= 0; i--, pos++) {
                if (((v >>> i) & 1) != 0) {
                    out[(int) (pos >>> 3)] |= (byte) (0x80 >>> (pos & 7));
                }
            }
        }
        return out;
    }

    static long[] unpack(byte[] packed, int length, int bits) {
        long[] out = new long[length];
        long pos = 0;
        for (int j = 0; j < length; j++) {
            long v = 0;
            for (int i = 0; i < bits; i++, pos++) {
                v = (v << 1) | ((packed[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1);
            }
            out[j] = v;
        }
        long padding = (long) packed.length * 8 - pos;
        for (long p = pos; p < pos + padding; p++) {
            if (((packed[(int) (p >>> 3)] >>> (7 - (p & 7))) & 1) != 0) {
                throw new WireReader.Malformed("padding bits of the masked input are not zero");
            }
        }
        return out;
    }
}
