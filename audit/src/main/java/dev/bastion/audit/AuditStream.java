package dev.bastion.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an audit log's records in order, one at a time, in memory bounded by the largest record: for reports and
 * checks over logs of millions of records, where {@link AuditReader} (which keeps every record and leaf hash) would
 * grow with the log. Alongside the records it computes the RFC 9162 tree head of the records read, keeping only the
 * roots of the perfect subtrees (at most 64 hashes), so a caller can compare it with a signed {@link Checkpoint}.
 * Never changes a file; safe while a gateway appends (it reads what was there when each segment was opened).
 */
public final class AuditStream {
    private AuditStream() {
    }

    /** Receives each record, with its index from 0. */
    @FunctionalInterface
    public interface RecordVisitor {
        void record(long index, byte[] payload);
    }

    /**
     * What a read found.
     *
     * @param records how many records were read (at most the limit asked for)
     * @param root the tree head of those records (RFC 9162 2.1.1), 32 bytes
     * @param problem where the log stopped being readable before the limit, if it did
     */
    public record Result(long records, byte[] root, Optional<String> problem) {
        public Result {
            if (records < 0) {
                throw new IllegalArgumentException("records cannot be negative");
            }
            root = root.clone();
            if (root.length != 32) {
                throw new IllegalArgumentException("a tree head has 32 bytes");
            }
        }

        @Override
        public byte[] root() {
            return root.clone();
        }
    }

    /** The signed checkpoints of the log in {@code dir}, oldest first. */
    public static List<Checkpoint> checkpoints(Path dir) throws IOException {
        return AuditLog.readCheckpoints(dir);
    }

    /**
     * Reads records {@code 0..limit-1} (fewer when the log is shorter or damaged) and hands each to {@code visitor}.
     *
     * @throws IOException when a segment cannot be opened
     */
    public static Result read(Path dir, long limit, RecordVisitor visitor) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit cannot be negative");
        }
        Peaks peaks = new Peaks();
        long index = 0;
        List<Integer> segments = Files.isDirectory(dir) ? Segments.list(dir) : List.of();
        for (int n : segments) {
            if (index >= limit) {
                break;
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(Segments.file(dir, n)), 1 << 16)) {
                long offset = 0;
                byte[] header = new byte[Segments.HEADER];
                while (index < limit) {
                    int got = in.readNBytes(header, 0, Segments.HEADER);
                    if (got == 0) {
                        break; // the segment ends on a frame boundary
                    }
                    if (got < Segments.HEADER) {
                        return stopped(index, peaks, dir, n, offset, "a frame header is cut short");
                    }
                    int length = intAt(header, 0);
                    if (length < 0 || length > Segments.MAX_RECORD) {
                        return stopped(index, peaks, dir, n, offset, "a frame has an impossible length");
                    }
                    byte[] payload = new byte[length];
                    if (in.readNBytes(payload, 0, length) < length) {
                        return stopped(index, peaks, dir, n, offset, "a frame is cut short");
                    }
                    if (Segments.crc32c(payload) != intAt(header, 4)) {
                        return stopped(index, peaks, dir, n, offset, "a frame fails its checksum");
                    }
                    peaks.append(MerkleTree.leafHash(payload));
                    visitor.record(index++, payload);
                    offset += Segments.HEADER + length;
                }
            }
        }
        return new Result(index, peaks.root(), Optional.empty());
    }

    /** The result of a read that stopped at a damaged frame, saying where. */
    private static Result stopped(long index, Peaks peaks, Path dir, int segment, long offset, String what) {
        return new Result(index, peaks.root(), Optional.of(Segments.file(dir, segment).getFileName() + " at byte "
                + offset + ": " + what));
    }

    /** The big-endian int at {@code at}. */
    private static int intAt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /**
     * The roots of the perfect subtrees that make up a tree of the leaves appended so far, largest first: the binary
     * digits of its size. The head of the whole tree is their right fold (as in {@link MerkleTree}).
     */
    private static final class Peaks {
        private final List<byte[]> peaks = new ArrayList<>();
        private final List<Integer> heights = new ArrayList<>();

        void append(byte[] leafHash) {
            byte[] node = leafHash;
            int height = 0;
            while (!heights.isEmpty() && heights.getLast() == height) {
                node = MerkleTree.nodeHash(peaks.removeLast(), node);
                heights.removeLast();
                height++;
            }
            peaks.add(node);
            heights.add(height);
        }

        byte[] root() {
            if (peaks.isEmpty()) {
                return MerkleTree.sha256().digest();
            }
            byte[] r = peaks.getLast();
            for (int i = peaks.size() - 2; i >= 0; i--) {
                r = MerkleTree.nodeHash(peaks.get(i), r);
            }
            return r;
        }
    }
}
