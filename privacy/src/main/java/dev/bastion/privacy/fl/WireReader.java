package dev.bastion.privacy.fl;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the canonical encoding {@link Wire} writes, from one frame already held in memory, and refuses anything
 * malformed with a {@link Malformed} that names the field, never its bytes. Every length and count is checked
 * against what is left in the frame before anything is allocated, so a peer cannot make the reader allocate more
 * than the frame it already sent. Not thread-safe.
 */
public final class WireReader {

    /** A frame that does not decode. The message names the field that failed; it never carries frame bytes. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] frame;
    private int at;

    public WireReader(byte[] frame) {
        this.frame = frame;
    }

    public int remaining() {
        return frame.length - at;
    }

    private void need(int bytes, String field) {
        if (bytes < 0 || bytes > remaining()) {
            throw new Malformed("truncated frame at " + field);
        }
    }

    public int u8(String field) {
        need(1, field);
        return frame[at++] & 0xff;
    }

    public int id(String field) {
        need(4, field);
        int v = ((frame[at] & 0xff) << 24) | ((frame[at + 1] & 0xff) << 16) | ((frame[at + 2] & 0xff) << 8)
                | (frame[at + 3] & 0xff);
        at += 4;
        return v;
    }

    public long number(String field) {
        long hi = id(field) & 0xffffffffL;
        long lo = id(field) & 0xffffffffL;
        return (hi << 32) | lo;
    }

    /** A count of entries of at least {@code minEntryBytes} each, at most {@code max}. */
    public int count(String field, int max, int minEntryBytes) {
        int n = id(field);
        if (n < 0 || n > max || (long) n * minEntryBytes > remaining()) {
            throw new Malformed("count out of range at " + field);
        }
        return n;
    }

    /** Text as written by {@code DataOutputStream.writeUTF}; only ASCII up to {@code maxBytes} is accepted. */
    public String text(String field, int maxBytes) {
        need(2, field);
        int n = ((frame[at] & 0xff) << 8) | (frame[at + 1] & 0xff);
        at += 2;
        if (n > maxBytes) {
            throw new Malformed("text too long at " + field);
        }
        need(n, field);
        for (int i = 0; i < n; i++) {
            if (frame[at + i] < 0x20 || frame[at + i] > 0x7e) {
                throw new Malformed("text is not printable ASCII at " + field);
            }
        }
        String s = new String(frame, at, n, StandardCharsets.US_ASCII);
        at += n;
        return s;
    }

    public byte[] raw(int n, String field) {
        need(n, field);
        byte[] out = java.util.Arrays.copyOfRange(frame, at, at + n);
        at += n;
        return out;
    }

    /** A length-prefixed byte string of at most {@code maxBytes}. */
    public byte[] blob(String field, int maxBytes) {
        int n = id(field);
        if (n < 0 || n > maxBytes) {
            throw new Malformed("byte string too long at " + field);
        }
        return raw(n, field);
    }

    /** A Shamir field element: 33 bytes, below p. */
    public BigInteger element(String field) {
        BigInteger v = new BigInteger(1, raw(Shamir.ELEMENT_BYTES, field));
        if (v.compareTo(Shamir.P) >= 0) {
            throw new Malformed("field element out of range at " + field);
        }
        return v;
    }

    /** Ids as {@link Wire#ids} writes them: a count, then strictly increasing values. */
    public List<Integer> ids(String field, int max) {
        int n = count(field, max, 4);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int v = id(field);
            if (!out.isEmpty() && v <= out.getLast()) {
                throw new Malformed("ids not strictly increasing at " + field);
            }
            out.add(v);
        }
        return out;
    }

    public double decimal(String field) {
        double v = Double.longBitsToDouble(number(field));
        if (!Double.isFinite(v)) {
            throw new Malformed("not a finite number at " + field);
        }
        return v;
    }

    /** Refuses trailing bytes: a canonical frame has exactly one reading. */
    public void end() {
        if (remaining() != 0) {
            throw new Malformed("trailing bytes after the message");
        }
    }
}
