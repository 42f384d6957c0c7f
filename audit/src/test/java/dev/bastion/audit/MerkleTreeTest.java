package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    /** The Certificate Transparency reference inputs and tree heads for sizes 0..8 (RFC 6962/9162 test data). */
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    private static final HexFormat HEX = HexFormat.of();

    private static MerkleTree referenceTree() {
        MerkleTree tree = new MerkleTree();
        for (String leaf : LEAVES) {
            tree.appendLeafHash(MerkleTree.leafHash(HEX.parseHex(leaf)));
        }
        return tree;
    }

    private static List<String> hex(List<byte[]> proof) {
        return proof.stream().map(HEX::formatHex).toList();
    }

    @Test
    void treeHeadsMatchTheReferenceRootsForEverySize() {
        MerkleTree tree = referenceTree();
        for (int size = 0; size <= 8; size++) {
            assertThat(HEX.formatHex(tree.root(size))).as("size %d", size).isEqualTo(ROOTS[size]);
        }
    }

    @Test
    void inclusionProofsMatchTheReferenceVectors() {
        MerkleTree tree = referenceTree();
        assertThat(hex(tree.inclusionProof(0, 8))).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(tree.inclusionProof(5, 8))).containsExactly(
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(Proofs.verifyInclusion(5, 8, tree.leafHashAt(5), tree.inclusionProof(5, 8), tree.root(8))).isTrue();
    }

    @Test
    void consistencyProofsMatchTheReferenceVectors() {
        MerkleTree tree = referenceTree();
        assertThat(tree.consistencyProof(1, 1)).isEmpty();
        assertThat(hex(tree.consistencyProof(1, 8))).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(tree.consistencyProof(6, 8))).containsExactly(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(hex(tree.consistencyProof(2, 5))).containsExactly(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    }

    private static MerkleTree randomTree(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[4 + r.nextInt(12)];
            r.nextBytes(data);
            data[0] = (byte) i;
            data[1] = (byte) (i >> 8);
            tree.appendLeafHash(MerkleTree.leafHash(data));
        }
        return tree;
    }

    @Property(tries = 60)
    void everyInclusionProofVerifiesAndAnyTamperingFails(@ForAll @IntRange(min = 1, max = 70) int n,
            @ForAll long seed) {
        MerkleTree tree = randomTree(n, seed);
        byte[] root = tree.root(n);
        for (int i = 0; i < n; i++) {
            List<byte[]> proof = tree.inclusionProof(i, n);
            assertThat(Proofs.verifyInclusion(i, n, tree.leafHashAt(i), proof, root)).isTrue();
            byte[] wrongLeaf = tree.leafHashAt(i);
            wrongLeaf[0] ^= 1;
            assertThat(Proofs.verifyInclusion(i, n, wrongLeaf, proof, root)).isFalse();
            if (n > 1) {
                assertThat(Proofs.verifyInclusion((i + 1) % n, n, tree.leafHashAt(i), proof, root)).isFalse();
            }
            if (!proof.isEmpty()) {
                List<byte[]> cut = new ArrayList<>(proof.subList(0, proof.size() - 1));
                assertThat(Proofs.verifyInclusion(i, n, tree.leafHashAt(i), cut, root)).isFalse();
            }
        }
    }

    @Property(tries = 40)
    void everyConsistencyProofVerifiesAndAChangedOldHeadFails(@ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll long seed) {
        MerkleTree tree = randomTree(n, seed);
        for (int m = 1; m <= n; m++) {
            for (int k = m; k <= n; k++) {
                List<byte[]> proof = tree.consistencyProof(m, k);
                assertThat(Proofs.verifyConsistency(m, k, proof, tree.root(m), tree.root(k))).as("%d -> %d", m, k).isTrue();
                if (m < k) {
                    byte[] wrong = tree.root(m);
                    wrong[5] ^= 1;
                    assertThat(Proofs.verifyConsistency(m, k, proof, wrong, tree.root(k))).as("wrong old head %d -> %d", m, k).isFalse();
                }
            }
        }
    }
}
