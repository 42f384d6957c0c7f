package dev.bastion.models.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a file channel that never go past the end of the file: every length is checked against
 * what remains before anything is allocated, so a hostile length cannot cause an OutOfMemoryError.
 */
final class BoundedReader {
    private final FileChannel channel;
    private final long size;
    private long position;

    BoundedReader(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    long position() {
        return position;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position;
    }

    void seek(long p) {
        if (p < 0 || p > size) {
            throw new FormatException("offset " + p + " is outside the file (" + size + " bytes)");
        }
        position = p;
    }

    ByteBuffer read(long n, String what) throws IOException {
        if (n < 0 || n > remaining()) {
            throw new FormatException(what + " needs " + Long.toUnsignedString(n) + " bytes at offset " + position
                    + " but only " + remaining() + " remain");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new FormatException(what + " is too large (" + n + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw new FormatException(what + ": unexpected end of file");
            }
        }
        position += n;
        return b.flip();
    }

    int u32(String what) throws IOException {
        return read(4, what).getInt();
    }

    long u64(String what) throws IOException {
        return read(8, what).getLong();
    }

    String utf8(long n, String what) throws IOException {
        ByteBuffer b = read(n, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(what + " at offset " + (position - n) + " is not valid UTF-8");
        }
    }

    void skip(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw new FormatException(what + " needs " + Long.toUnsignedString(n) + " bytes at offset " + position
                    + " but only " + remaining() + " remain");
        }
        position += n;
    }
}
