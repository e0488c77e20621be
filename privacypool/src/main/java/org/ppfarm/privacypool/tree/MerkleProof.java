package org.ppfarm.privacypool.tree;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ppfarm.privacypool.hash.Poseidon;

/**
 * A Lean IMT inclusion proof in @zk-kit/lean-imt's shape: only the levels where the path has a sibling contribute
 * one (a single-child level copies its child up, so there is nothing to hash), and {@code index} holds the path bits
 * of those levels only, bit k for the k-th sibling (1: the node is the right child). {@code treeDepth} is the depth of
 * the tree the proof was taken from, which the 0xbow circuits take as a public input.
 */
public record MerkleProof(BigInteger root, BigInteger leaf, long index, List<BigInteger> siblings, int treeDepth) {
    public MerkleProof {
        siblings = List.copyOf(siblings);
    }

    /**
     * The siblings zero-padded to {@code length} entries: the circuit's {@code stateSiblings}/{@code ASPSiblings}.
     * The circuit reads a zero sibling as "no sibling here", which is what the padding levels are.
     */
    public List<BigInteger> paddedSiblings(int length) {
        if (siblings.size() > length)
            throw new IllegalArgumentException("proof has " + siblings.size() + " siblings, more than " + length);
        List<BigInteger> r = new ArrayList<>(siblings);
        r.addAll(Collections.nCopies(length - siblings.size(), BigInteger.ZERO));
        return List.copyOf(r);
    }

    /** Recomputes the root from leaf, index and siblings (lean-imt's {@code verifyProof}). */
    public boolean verify() {
        Poseidon h = Poseidon.of(2);
        BigInteger node = leaf;
        for (int i = 0; i < siblings.size(); i++) {
            node = ((index >>> i) & 1) == 1 ? h.hash(siblings.get(i), node) : h.hash(node, siblings.get(i));
        }
        return node.equals(root);
    }
}
