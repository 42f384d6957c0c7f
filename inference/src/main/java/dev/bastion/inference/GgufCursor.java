package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * A bounds-checked little-endian reader over the header of a GGUF file (everything before the tensor data).
 *
 * <p>Every read first checks that the bytes are there and otherwise throws a {@link GgufFormatException} naming
 * what was being read and the offset. Counts and lengths are checked against the bytes remaining before anything
 * is allocated, so a length field claiming 2^60 bytes is refused instead of becoming an allocation. The header may
 * not exceed {@link #MAX_HEADER_BYTES}: that bounds the heap the metadata can take whatever the file says.
 *
 * <p>Not thread-safe: one parse, one cursor.
 */
final class GgufCursor {
    /** The largest header (metadata and tensor infos) accepted: ample for the vocabularies of current models. */
    static final long MAX_HEADER_BYTES = 64L << 20;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final long limit;
    private long position;

    /** A cursor at offset 0 of {@code file}. */
    GgufCursor(MemorySegment file) {
        this.file = file;
        this.limit = Math.min(file.byteSize(), MAX_HEADER_BYTES);
    }

    /** The offset of the next byte to read. */
    long position() {
        return position;
    }

    /** Bytes that may still be read as header. */
    long remaining() {
        return limit - position;
    }

    /** Throws unless {@code n} more bytes can be read for {@code what}. */
    void need(long n, String what) throws GgufFormatException {
        if (n <= remaining()) {
            return;
        }
        if (limit < file.byteSize()) {
            throw new GgufFormatException(what + " at offset " + position + " needs " + n + " bytes, past the "
                    + (MAX_HEADER_BYTES >> 20) + " MiB limit on metadata and tensor infos");
        }
        throw new GgufFormatException(what + " at offset " + position + " needs " + n + " bytes but only "
                + remaining() + " remain in the file (truncated?)");
    }

    int u8(String what) throws GgufFormatException {
        need(1, what);
        return Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, position++));
    }

    int u16(String what) throws GgufFormatException {
        need(2, what);
        int v = Short.toUnsignedInt(file.get(U16, position));
        position += 2;
        return v;
    }

    /** An unsigned 32-bit field, widened so that values above 2^31 stay positive. */
    long u32(String what) throws GgufFormatException {
        need(4, what);
        long v = Integer.toUnsignedLong(file.get(U32, position));
        position += 4;
        return v;
    }

    /** A 64-bit field as raw bits: negative when an unsigned value is above {@link Long#MAX_VALUE}. */
    long u64(String what) throws GgufFormatException {
        need(8, what);
        long v = file.get(U64, position);
        position += 8;
        return v;
    }

    /**
     * A u64 count of items that each occupy at least {@code minBytesEach} bytes; refused unless that many items can
     * fit in the bytes remaining (and in an int, to index a Java array).
     */
    int count(String what, long minBytesEach) throws GgufFormatException {
        long at = position;
        long n = u64(what);
        if (n < 0 || n > Integer.MAX_VALUE || n > remaining() / minBytesEach) {
            throw new GgufFormatException(what + " at offset " + at + " is " + Long.toUnsignedString(n)
                    + ", but the " + remaining() + " bytes left hold at most " + remaining() / minBytesEach
                    + " (at least " + minBytesEach + " bytes each)" + limitNote());
        }
        return (int) n;
    }

    private String limitNote() {
        return limit < file.byteSize() ? ", within the " + (MAX_HEADER_BYTES >> 20)
                + " MiB limit on metadata and tensor infos" : "";
    }

    /** {@code n} raw bytes, copied out. */
    byte[] bytes(long n, String what) throws GgufFormatException {
        need(n, what);
        byte[] out = new byte[(int) n];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, position, out, 0, (int) n);
        position += n;
        return out;
    }

    /** Advances to the next multiple of {@code alignment} (a power of two) without reading. */
    long alignedPosition(long alignment) throws GgufFormatException {
        long padded = (position + alignment - 1) & -alignment;
        if (padded < position) {
            throw new GgufFormatException("data section offset overflows with alignment " + alignment);
        }
        return padded;
    }

    /**
     * A GGUF string (u64 byte length, then UTF-8 bytes without terminator) of at most {@code maxBytes} bytes.
     * Malformed UTF-8 (overlong forms, surrogates, truncated sequences) is refused, never replaced.
     */
    String string(String what, long maxBytes) throws GgufFormatException {
        return string(i -> what, 0, maxBytes);
    }

    /**
     * As {@link #string(String, long)}, for item {@code index} of a list; {@code what} names the item in messages
     * and is called only when there is an error, so a long list builds no names.
     */
    String string(IntFunction<String> what, int index, long maxBytes) throws GgufFormatException {
        long at = position;
        int n = stringLength(what, index, maxBytes);
        byte[] raw = new byte[n];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, position, raw, 0, n);
        checkUtf8(raw, 0, n, what, index, at);
        position += n;
        return new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * An array of {@code count} GGUF strings of at most {@code maxBytes} bytes each, kept as one UTF-8 blob (see
     * {@link GgufValue.Strings}): the heap it takes is about the bytes it has in the file, whatever their shape.
     */
    GgufValue.Strings strings(String what, int count, long maxBytes) throws GgufFormatException {
        IntFunction<String> element = i -> what + "[" + i + "]";
        long start = position;
        int[] ends = new int[count];
        long total = 0;
        for (int i = 0; i < count; i++) { // first pass: lengths, bounds
            int n = stringLength(element, i, maxBytes);
            position += n;
            total += n;
            ends[i] = (int) total;
        }
        byte[] blob = new byte[(int) total];
        position = start;
        for (int i = 0; i < count; i++) { // second pass: copy and validate
            long at = position;
            int from = i == 0 ? 0 : ends[i - 1];
            int n = ends[i] - from;
            MemorySegment.copy(file, ValueLayout.JAVA_BYTE, position + 8, blob, from, n);
            checkUtf8(blob, from, from + n, element, i, at);
            position += 8 + n;
        }
        return new GgufValue.Strings(blob, ends);
    }

    /** Reads a string's u64 length, checks it against {@code maxBytes} and the bytes left; leaves the cursor after it. */
    private int stringLength(IntFunction<String> what, int index, long maxBytes) throws GgufFormatException {
        long at = position;
        if (remaining() < 8) {
            need(8, "length of " + what.apply(index));
        }
        long n = file.get(U64, position);
        position += 8;
        if (n < 0 || n > maxBytes) {
            throw new GgufFormatException("length of " + what.apply(index) + " at offset " + at + " is "
                    + Long.toUnsignedString(n) + " bytes, more than the " + maxBytes + " allowed");
        }
        if (remaining() < n) {
            need(n, what.apply(index));
        }
        return (int) n;
    }

    private static void checkUtf8(byte[] b, int from, int to, IntFunction<String> what, int index, long at)
            throws GgufFormatException {
        int bad = GgufUtf8.invalidAt(b, from, to);
        if (bad >= 0) {
            throw new GgufFormatException(what.apply(index) + " at offset " + at + " is not valid UTF-8 (byte 0x"
                    + String.format("%02x", b[bad] & 0xff) + " at offset " + (at + 8 + bad - from) + ")");
        }
    }

    /** {@code s} quoted for a message: control, line-separator and bidi characters escaped, cut at 80 characters. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x2028 && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069) || c == '\'' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 80 ? "'..." : "'").toString();
    }
}
