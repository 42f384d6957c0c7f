package dev.bastion.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, over SHA-256: tree heads, inclusion
 * proofs and consistency proofs for any tree size up to the number of leaves appended.
 *
 * <p>Leaf hashes are kept in memory (32 bytes per record). The head of the whole tree is kept up to date as leaves
 * are appended (O(log n) per append); heads of earlier sizes and proofs are computed recursively, in time linear
 * in the tree size. Not thread-safe: the audit log serialises access.
 */
public final class MerkleTree {
    /*
     * RFC 9162, 2.1.1: MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00 || d0);
     * MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) where k is the largest power of two < n.
     * 2.1.3.1: PATH(m, D[n]) is empty for n = 1; otherwise PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, and
     * PATH(m - k, D[k:n]) : MTH(D[0:k]) when m >= k.
     * 2.1.4.1: PROOF(m, D[n]) = SUBPROOF(m, D[n], true); SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) =
     * {MTH(D[m])}; for m < n: if m <= k, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); otherwise
     * SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
     */
    private final List<byte[]> leaves = new ArrayList<>();
    /**
     * The roots of the perfect subtrees that make up the whole tree, largest first (the binary digits of the size),
     * with their heights: the head of the full tree is their right fold, so it costs O(log n) after each append.
     */
    private final List<byte[]> peaks = new ArrayList<>();
    private final List<Integer> heights = new ArrayList<>();

    /** SHA-256(0x00 || data): the hash of one record. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest d = sha256();
        d.update((byte) 0);
        d.update(data);
        return d.digest();
    }

    /** SHA-256(0x01 || left || right). */
    static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update((byte) 1);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * This tree's own SHA-256 for {@link #appendLeaf} and the node hashes of an append: a fresh MessageDigest per
     * hash cost a provider look-up and ~1 kB per record on the audit log's hot path (three hashes per record on
     * average). Safe because the tree is not shared between threads (see the class comment).
     */
    private final MessageDigest digest = sha256();

    /** Appends a record (its leaf hash is computed here, see {@link #leafHash}); returns its index. */
    public long appendLeaf(byte[] data) {
        digest.update((byte) 0);
        digest.update(data);
        return append(digest.digest());
    }

    /** Appends a record's leaf hash (see {@link #leafHash}); returns its index. */
    public long appendLeafHash(byte[] leafHash) {
        if (leafHash.length != 32) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes, got " + leafHash.length);
        }
        return append(leafHash.clone());
    }

    /** Appends a leaf hash this tree owns from now on. */
    private long append(byte[] leafHash) {
        leaves.add(leafHash);
        byte[] node = leafHash;
        int height = 0;
        while (!heights.isEmpty() && heights.getLast() == height) {
            digest.update((byte) 1);
            digest.update(peaks.removeLast());
            digest.update(node);
            node = digest.digest();
            heights.removeLast();
            height++;
        }
        peaks.add(node);
        heights.add(height);
        return leaves.size() - 1L;
    }

    public long size() {
        return leaves.size();
    }

    public byte[] leafHashAt(long index) {
        return leaves.get(checkedIndex(index, size())).clone();
    }

    /** The tree head for the first {@code size} leaves. */
    public byte[] root(long size) {
        checkSize(size);
        if (size == 0) {
            return sha256().digest();
        }
        if (size == leaves.size()) {
            byte[] r = peaks.getLast();
            for (int i = peaks.size() - 2; i >= 0; i--) {
                r = nodeHash(peaks.get(i), r);
            }
            return r.clone();
        }
        return mth(0, (int) size);
    }

    /** The inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public List<byte[]> inclusionProof(long index, long size) {
        checkSize(size);
        checkedIndex(index, size);
        List<byte[]> proof = new ArrayList<>();
        path((int) index, 0, (int) size, proof);
        return proof;
    }

    /** The proof that the tree of {@code oldSize} leaves is a prefix of the tree of {@code newSize} leaves. */
    public List<byte[]> consistencyProof(long oldSize, long newSize) {
        checkSize(newSize);
        if (oldSize < 1 || oldSize > newSize) {
            throw new IllegalArgumentException("consistency needs 1 <= old size <= new size, got " + oldSize + " and " + newSize);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof((int) oldSize, 0, (int) newSize, true, proof);
        return proof;
    }

    private byte[] mth(int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from).clone(); // callers may keep or change what they get
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(mth(from, from + k), mth(from + k, to));
    }

    private void path(int m, int from, int to, List<byte[]> proof) {
        int n = to - from;
        if (n <= 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, from, from + k, proof);
            proof.add(mth(from + k, to));
        } else {
            path(m - k, from + k, to, proof);
            proof.add(mth(from, from + k));
        }
    }

    private void subproof(int m, int from, int to, boolean whole, List<byte[]> proof) {
        int n = to - from;
        if (m == n) {
            if (!whole) {
                proof.add(mth(from, to));
            }
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, from, from + k, whole, proof);
            proof.add(mth(from + k, to));
        } else {
            subproof(m - k, from + k, to, false, proof);
            proof.add(mth(from, from + k));
        }
    }

    /** The largest power of two strictly less than {@code n} (n >= 2). */
    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private void checkSize(long size) {
        if (size < 0 || size > leaves.size()) {
            throw new IllegalArgumentException("tree size " + size + " is outside 0.." + leaves.size());
        }
    }

    private static int checkedIndex(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is outside 0.." + (size - 1));
        }
        return (int) index;
    }
}
