package dev.bastion.app.report;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few DER (ITU-T X.690) structures a CMS signature and a self-signed certificate need: writing tag-length-value
 * items, and reading them back one level at a time. Lengths up to 2^31; no indefinite lengths (DER has none).
 * Stateless.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() {
    }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        byte[] c = content.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.length + 6);
        out.write(tag);
        if (c.length < 0x80) {
            out.write(c.length);
        } else {
            byte[] len = BigInteger.valueOf(c.length).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.writeBytes(c);
        return out.toByteArray();
    }

    static byte[] seq(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    /** A SET OF: DER sorts the encoded members. */
    static byte[] set(byte[]... members) {
        byte[][] sorted = members.clone();
        Arrays.sort(sorted, Arrays::compareUnsigned);
        return tlv(SET, sorted);
    }

    static byte[] integer(BigInteger v) {
        return tlv(INTEGER, v.toByteArray());
    }

    static byte[] octets(byte[] v) {
        return tlv(OCTET_STRING, v);
    }

    static byte[] bits(byte[] v) {
        byte[] b = new byte[v.length + 1];
        System.arraycopy(v, 0, b, 1, v.length);
        return tlv(BIT_STRING, b);
    }

    static byte[] utf8(String s) {
        return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime, valid for the years 1950 to 2049 (RFC 5280 section 4.1.2.5). */
    static byte[] utcTime(Instant t) {
        return tlv(UTC_TIME, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t)
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        while ((v >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
        }
    }

    /** One item read from DER: its tag, where it starts, where its content starts and where it ends. */
    record Item(byte[] source, int tag, int start, int contentStart, int end) {
        byte[] content() {
            return Arrays.copyOfRange(source, contentStart, end);
        }

        byte[] encoded() {
            return Arrays.copyOfRange(source, start, end);
        }

        /** The items inside this one (for a constructed item). */
        List<Item> children() {
            List<Item> out = new ArrayList<>();
            int at = contentStart;
            while (at < end) {
                Item child = read(source, at, end);
                out.add(child);
                at = child.end();
            }
            return out;
        }

        Item child(int i) {
            List<Item> c = children();
            if (i >= c.size()) {
                throw new IllegalArgumentException("DER item has " + c.size() + " members, wanted " + (i + 1));
            }
            return c.get(i);
        }
    }

    /** Reads the item at {@code at}, which must end by {@code limit}. */
    static Item read(byte[] b, int at, int limit) {
        if (at + 2 > limit) {
            throw new IllegalArgumentException("DER item cut short");
        }
        int tag = b[at] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IllegalArgumentException("DER multi-byte tags are not used here");
        }
        int len = b[at + 1] & 0xff;
        int content = at + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 4 || content + n > limit) {
                throw new IllegalArgumentException("DER length not understood");
            }
            long l = 0;
            for (int i = 0; i < n; i++) {
                l = (l << 8) | (b[content + i] & 0xff);
            }
            if (l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("DER length too large");
            }
            len = (int) l;
            content += n;
        }
        if ((long) content + len > limit) {
            throw new IllegalArgumentException("DER item runs past its container");
        }
        return new Item(b, tag, at, content, content + len);
    }

    static Item read(byte[] b) {
        return read(b, 0, b.length);
    }

    /** The dotted form of an OBJECT IDENTIFIER item. */
    static String oidText(Item item) {
        if (item.tag() != OID) {
            throw new IllegalArgumentException("not an OBJECT IDENTIFIER");
        }
        byte[] c = item.content();
        StringBuilder s = new StringBuilder();
        long v = 0;
        boolean first = true;
        for (byte x : c) {
            v = (v << 7) | (x & 0x7f);
            if ((x & 0x80) == 0) {
                if (first) {
                    long a = Math.min(2, v / 40);
                    s.append(a).append('.').append(v - 40 * a);
                    first = false;
                } else {
                    s.append('.').append(v);
                }
                v = 0;
            }
        }
        return s.toString();
    }
}
