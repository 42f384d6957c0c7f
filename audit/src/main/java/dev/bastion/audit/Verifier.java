package dev.bastion.audit;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recomputes an audit log from its files alone and reports every broken link: damaged frames (with segment and
 * byte offset), missing segments, checkpoints whose signature does not verify or whose tree head does not match
 * the records (with the range of records that must have changed), checkpoints that claim more records than
 * exist (truncation), sizes or times going backwards, and, given an older checkpoint held elsewhere, whether the
 * log only grew since.
 */
public final class Verifier {
    private Verifier() {
    }

    /**
     * The outcome of a verification.
     *
     * @param records records read
     * @param checkpoints checkpoints checked
     * @param problems what is broken, each with its location; empty when the log verifies
     * @param notes facts that are not failures (records not yet covered by a checkpoint)
     */
    public record Report(long records, int checkpoints, List<String> problems, List<String> notes) {
        public Report {
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * @param dir the log directory
     * @param publicKeyX509 the public key checkpoints must be signed with
     * @param olderCheckpoint a checkpoint obtained earlier (for example published or witnessed), if any
     */
    public static Report verify(Path dir, byte[] publicKeyX509, Optional<Checkpoint> olderCheckpoint) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        MerkleTree tree = new MerkleTree();
        List<Integer> segments = Segments.list(dir);
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) != i) {
                problems.add("segment " + Segments.file(dir, i).getFileName() + " is missing");
                break;
            }
        }
        for (int n : segments) {
            Segments.Scan scan = Segments.scan(dir, n);
            for (Segments.Frame f : scan.frames()) {
                tree.appendLeafHash(MerkleTree.leafHash(f.payload()));
            }
            if (!scan.clean()) {
                problems.add(Segments.file(dir, n).getFileName() + ": " + scan.problem() + " (after record "
                        + (tree.size() - 1) + "; " + (scan.fileLength() - scan.validLength()) + " bytes unreadable)");
            }
        }
        String keyId = SigningKey.keyIdOf(publicKeyX509);
        List<Checkpoint> checkpoints;
        try {
            checkpoints = AuditLog.readCheckpoints(dir);
        } catch (IllegalArgumentException e) {
            problems.add(AuditLog.CHECKPOINTS + ": " + e.getMessage());
            return new Report(tree.size(), 0, problems, notes);
        }
        long goodSize = 0;
        Checkpoint previous = null;
        for (int i = 0; i < checkpoints.size(); i++) {
            Checkpoint c = checkpoints.get(i);
            String name = "checkpoint #" + (i + 1) + " (size " + c.size() + ")";
            if (!c.keyId().equals(keyId)) {
                problems.add(name + " is signed by key " + c.keyId() + ", not the trusted key " + keyId);
            } else if (!c.verify(publicKeyX509)) {
                problems.add(name + " has a signature that does not verify");
            }
            if (previous != null && c.size() < previous.size()) {
                problems.add(name + " is smaller than the checkpoint before it (size " + previous.size() + ")");
            }
            if (previous != null && c.time().isBefore(previous.time())) {
                problems.add(name + " is dated before the checkpoint before it");
            }
            if (c.size() > tree.size()) {
                problems.add(name + " covers " + c.size() + " records but only " + tree.size()
                        + " can be read: records were removed or the log was truncated");
            } else if (!java.security.MessageDigest.isEqual(tree.root(c.size()), c.root())) {
                problems.add(name + " does not match the records: at least one of records " + goodSize + ".."
                        + (c.size() - 1) + " was changed, removed, inserted or reordered");
            } else {
                goodSize = Math.max(goodSize, c.size());
            }
            previous = c;
        }
        if (previous == null && tree.size() > 0) {
            notes.add("no checkpoint yet: the " + tree.size() + " records are not covered by a signature");
        } else if (previous != null && tree.size() > previous.size()) {
            notes.add((tree.size() - previous.size()) + " records after the last checkpoint are not yet covered by a signature");
        }
        olderCheckpoint.ifPresent(old -> {
            if (!old.verify(publicKeyX509)) {
                problems.add("the given older checkpoint's signature does not verify with the trusted key");
            } else if (old.size() > tree.size()) {
                problems.add("the given older checkpoint covers " + old.size() + " records, more than the log has now ("
                        + tree.size() + "): the log shrank");
            } else if (old.size() > 0) {
                List<byte[]> proof = tree.consistencyProof(old.size(), tree.size());
                if (!Proofs.verifyConsistency(old.size(), tree.size(), proof, old.root(), tree.root(tree.size()))) {
                    problems.add("the log is not an extension of the given older checkpoint (size " + old.size()
                            + "): its first " + old.size() + " records were changed");
                }
            }
        });
        return new Report(tree.size(), checkpoints.size(), problems, notes);
    }

    /** Reads a public key written beside a signing key ({@code audit.key.pub}). */
    public static byte[] readPublicKey(Path pemFile) throws IOException {
        return SigningKey.publicKeyFromPem(Files.readString(pemFile));
    }
}
