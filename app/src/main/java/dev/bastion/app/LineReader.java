package dev.bastion.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an input line by line in bounded memory: it holds one line at a time (at most {@code maxLineBytes} of
 * it), decodes each line as strict UTF-8 on its own, and reports a line it cannot decode, or one that is too long, as
 * a {@link Line.Bad} naming the line number, then goes on with the next line. Lines end at {@code \n}; a trailing
 * {@code \r} is dropped. Not thread-safe.
 */
final class LineReader implements AutoCloseable {
    /** One line of input. */
    sealed interface Line {
        long number();

        /** A line decoded as UTF-8. */
        record Text(long number, String text) implements Line {
        }

        /** A line that could not be read; {@code problem} says why (never its content). */
        record Bad(long number, String problem) implements Line {
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private long number;
    private long bytesRead;
    private int maxHeld;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or empty at the end of the input. */
    Optional<Line> next() throws IOException {
        line.reset();
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return Optional.empty();
                    }
                    break;
                }
                bytesRead += limit;
            }
            any = true;
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (!tooLong && line.size() + n > maxLineBytes) {
                tooLong = true;
                line.reset();
            }
            if (!tooLong) {
                line.write(buffer, start, n);
                maxHeld = Math.max(maxHeld, line.size());
            }
            if (pos < limit) {
                pos++; // the newline
                break;
            }
        }
        number++;
        if (tooLong) {
            return Optional.of(new Line.Bad(number, "line " + number + " is longer than " + maxLineBytes + " bytes"));
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return Optional.of(new Line.Text(number, decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString()));
        } catch (CharacterCodingException e) {
            return Optional.of(new Line.Bad(number, "line " + number + " is not valid UTF-8"));
        }
    }

    /** Bytes consumed from the input so far (for progress). */
    long bytesRead() {
        return bytesRead;
    }

    /** The most bytes of one line held at once: what bounds this reader's memory beyond its 64 KiB buffer. */
    int maxHeldBytes() {
        return maxHeld;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
