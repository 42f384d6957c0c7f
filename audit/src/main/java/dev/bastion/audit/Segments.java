package dev.bastion.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The on-disk record format: segment files {@code segment-NNNNNN.log} of frames
 * {@code [length u32][crc32c u32][record bytes]}, big-endian. A frame is valid when its length is within bounds,
 * all its bytes are present and its CRC matches.
 */
final class Segments {
    static final int MAX_RECORD = 1 << 20;
    static final int HEADER = 8;

    /** One frame as found on disk. */
    record Frame(int segment, long offset, byte[] payload) {
    }

    /** The result of scanning a segment: its valid frames and where (if anywhere) it stopped being valid. */
    record Scan(List<Frame> frames, long validLength, long fileLength, String problem) {
        boolean clean() {
            return problem == null;
        }
    }

    private Segments() {
    }

    static Path file(Path dir, int segment) {
        return dir.resolve(String.format("segment-%06d.log", segment));
    }

    /** The segment numbers present in {@code dir}, in order. */
    static List<Integer> list(Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("segment-\\d{6}\\.log"))
                    .map(n -> Integer.parseInt(n.substring(8, 14))).sorted().forEach(out::add);
        }
        return out;
    }

    static Scan scan(Path dir, int segment) throws IOException {
        Path file = file(dir, segment);
        List<Frame> frames = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (pos < size) {
                header.clear();
                if (ch.read(header, pos) < HEADER || header.hasRemaining()) {
                    return new Scan(frames, pos, size, "a frame header is cut short at byte " + pos);
                }
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_RECORD) {
                    return new Scan(frames, pos, size, "a frame at byte " + pos + " has an impossible length " + length);
                }
                if (pos + HEADER + length > size) {
                    return new Scan(frames, pos, size, "the frame at byte " + pos + " is cut short");
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                while (body.hasRemaining()) {
                    ch.read(body, pos + HEADER + body.position());
                }
                byte[] payload = body.array();
                if (crc32c(payload) != crc) {
                    return new Scan(frames, pos, size, "the frame at byte " + pos + " fails its checksum");
                }
                frames.add(new Frame(segment, pos, payload));
                pos += HEADER + length;
            }
            return new Scan(frames, pos, size, null);
        }
    }

    static ByteBuffer frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        putFrame(b, payload);
        return b.flip();
    }

    /** Puts one frame (length, checksum, payload) into {@code into} at its position. */
    static void putFrame(ByteBuffer into, byte[] payload) {
        into.putInt(payload.length).putInt(crc32c(payload)).put(payload);
    }

    static int crc32c(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }
}
