package dev.bastion.privacy.fl.net;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Frames on a TLS stream: a 4-byte big-endian length, a 1-byte channel ({@link #SECAGG} for protocol messages,
 * {@link #CONTROL} for {@link Control} messages) and the payload. A frame longer than the reader's limit ends the
 * connection; the payload is read in chunks, so a length the peer lies about costs no more memory than the bytes
 * it actually sends.
 */
public final class Framing {
    public static final int SECAGG = 1;
    public static final int CONTROL = 2;

    /** One frame; {@link #wireBytes()} counts the length prefix and channel too. */
    public record Frame(int channel, byte[] payload) {
        public int wireBytes() {
            return 5 + payload.length;
        }
    }

    private Framing() {
    }

    /** Writes and flushes one frame; returns its size on the wire. */
    public static int write(OutputStream out, int channel, byte[] payload) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(payload.length + 1);
        d.writeByte(channel);
        d.write(payload);
        d.flush();
        return 5 + payload.length;
    }

    /**
     * The next frame, or empty at a clean end of stream.
     *
     * @throws IOException on a broken stream, a truncated frame, an unknown channel or a frame above {@code maxBytes}
     */
    public static Optional<Frame> read(InputStream in, int maxBytes) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int length;
        try {
            length = d.readInt();
        } catch (EOFException e) {
            return Optional.empty();
        }
        if (length < 1 || length - 1 > maxBytes) {
            throw new IOException("a frame of " + length + " bytes is outside 1.." + maxBytes);
        }
        int channel = d.readUnsignedByte();
        if (channel != SECAGG && channel != CONTROL) {
            throw new IOException("unknown frame channel " + channel);
        }
        byte[] payload = d.readNBytes(length - 1);
        if (payload.length != length - 1) {
            throw new EOFException("truncated frame");
        }
        return Optional.of(new Frame(channel, payload));
    }
}
