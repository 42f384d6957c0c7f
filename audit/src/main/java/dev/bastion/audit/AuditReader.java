package dev.bastion.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of an audit log's files, safe to use while a gateway is appending: it reads the valid frames
 * present when it was opened and never changes a file. For proofs, tails and exports from the command line.
 */
public final class AuditReader {
    private final MerkleTree tree = new MerkleTree();
    private final List<byte[]> records = new ArrayList<>();
    private final List<Checkpoint> checkpoints;

    private AuditReader(List<Checkpoint> checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** @throws IOException when the directory cannot be read */
    public static AuditReader open(Path dir) throws IOException {
        AuditReader reader = new AuditReader(AuditLog.readCheckpoints(dir));
        for (int n : Segments.list(dir)) {
            for (Segments.Frame f : Segments.scan(dir, n).frames()) {
                reader.records.add(f.payload());
                reader.tree.appendLeafHash(MerkleTree.leafHash(f.payload()));
            }
        }
        return reader;
    }

    public long size() {
        return tree.size();
    }

    public byte[] record(long index) {
        if (index < 0 || index >= records.size()) {
            throw new IllegalArgumentException("no record " + index + "; the log has " + records.size());
        }
        return records.get((int) index).clone();
    }

    public byte[] leafHash(long index) {
        return tree.leafHashAt(index);
    }

    public byte[] root(long size) {
        return tree.root(size);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return tree.inclusionProof(index, size);
    }

    public List<byte[]> consistencyProof(long oldSize, long newSize) {
        return tree.consistencyProof(oldSize, newSize);
    }

    public Optional<Checkpoint> latestCheckpoint() {
        return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.getLast());
    }
}
