package org.ppfarm.privacypool.tree;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.prover.bn254.Field;

/**
 * A binary Merkle tree of fixed depth with Poseidon(2) nodes whose unset leaves hold a zero value (Tornado-style), as
 * the subset design's deposit tree (zero keccak256("empty")) and allow/block-list trees (zero keccak256("blocked") /
 * keccak256("allowed")) are. Only the leaves up to the highest one set are stored; everything to their right is a
 * default subtree whose root, {@code zero[level]}, is computed once. Proofs have exactly {@code depth} siblings and
 * the path is the leaf index's bits (bit l: the node at level l is a right child).
 *
 * <p>Not thread-safe.
 */
public final class FixedMerkleTree {
    private static final Field FR = Field.FR;

    private final int depth;
    /** zero[l]: root of an all-default subtree of height l (Montgomery). */
    private final long[] zero;
    /** levels[l] holds nodes 0..counts[l]-1 of level l; levels[depth] the root. */
    private final long[][] levels;
    private final int[] counts;
    private final Poseidon hasher = Poseidon.of(2);
    private final long[] scratch = hasher.newScratch();
    private final long[] pair = new long[8];

    /**
     * An empty tree. Depth up to 30 (leaf indices are ints).
     */
    public FixedMerkleTree(int depth, BigInteger zeroLeaf) {
        if (depth < 1 || depth > 30) throw new IllegalArgumentException("depth must be in 1..30, not " + depth);
        if (zeroLeaf.signum() < 0 || zeroLeaf.compareTo(FR.modulus()) >= 0)
            throw new InvalidLeafException("zero leaf is not a canonical BN254 scalar-field element");
        this.depth = depth;
        this.zero = new long[4 * (depth + 1)];
        FR.fromBigInteger(zeroLeaf, zero, 0);
        for (int l = 0; l < depth; l++) {
            Field.copy(zero, 4 * l, pair, 0);
            Field.copy(zero, 4 * l, pair, 4);
            hasher.hash(pair, 0, zero, 4 * (l + 1), scratch);
        }
        this.levels = new long[depth + 1][];
        this.counts = new int[depth + 1];
        for (int l = 0; l <= depth; l++) levels[l] = new long[l == depth ? 4 : 16];
        Field.copy(zero, 4 * depth, levels[depth], 0);
        counts[depth] = 1;
    }

    /** A tree holding {@code leaves} at indices 0..n-1, hashed level by level (each node once). */
    public static FixedMerkleTree of(int depth, BigInteger zeroLeaf, List<BigInteger> leaves) {
        FixedMerkleTree t = new FixedMerkleTree(depth, zeroLeaf);
        long[] v = new long[4 * leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            BigInteger x = leaves.get(i);
            if (x.signum() < 0 || x.compareTo(FR.modulus()) >= 0)
                throw new InvalidLeafException("leaves[" + i + "] is not a canonical BN254 scalar-field element");
            FR.fromBigInteger(x, v, 4 * i);
        }
        t.setLeaves(v, leaves.size());
        return t;
    }

    public int depth() { return depth; }

    /** Leaves that can be set: 2^depth. */
    public long capacity() { return 1L << depth; }

    /** One past the highest leaf index ever set (leaves beyond hold the zero value). */
    public int extent() { return counts[0]; }

    public BigInteger zeroLeaf() { return FR.toBigInteger(zero, 0); }

    public BigInteger root() { return FR.toBigInteger(levels[depth], 0); }

    public BigInteger leaf(int index) {
        checkIndex(index);
        return index < counts[0] ? FR.toBigInteger(levels[0], 4 * index) : zeroLeaf();
    }

    /** Index of the first leaf equal to {@code leaf} among the set ones, or -1. */
    public int indexOf(BigInteger leaf) {
        if (leaf.signum() < 0 || leaf.compareTo(FR.modulus()) >= 0) return -1;
        long[] v = FR.fromBigInteger(leaf);
        for (int i = 0; i < counts[0]; i++) if (Field.equal(levels[0], 4 * i, v, 0)) return i;
        return -1;
    }

    /** Appends a leaf after the highest one set. */
    public int append(BigInteger leaf) {
        int index = counts[0];
        set(index, leaf);
        return index;
    }

    /** Sets one leaf and rehashes its path (leaves between the old extent and {@code index} hold the zero value). */
    public void set(int index, BigInteger leaf) {
        checkIndex(index);
        if (leaf.signum() < 0 || leaf.compareTo(FR.modulus()) >= 0)
            throw new InvalidLeafException("leaf " + index + " is not a canonical BN254 scalar-field element");
        grow(index + 1);
        FR.fromBigInteger(leaf, levels[0], 4 * index);
        for (int l = 0, i = index; l < depth; l++, i >>= 1) hashParent(l, i >> 1);
    }

    /** Siblings from the leaf up, {@code depth} of them. */
    public List<BigInteger> siblings(int index) {
        checkIndex(index);
        List<BigInteger> r = new ArrayList<>(depth);
        for (int l = 0, i = index; l < depth; l++, i >>= 1) {
            int s = i ^ 1;
            r.add(s < counts[l] ? FR.toBigInteger(levels[l], 4 * s) : FR.toBigInteger(zero, 4 * l));
        }
        return r;
    }

    /** Recomputes a root from a leaf, its index and siblings (the circuit's MerkleRoot). */
    public static BigInteger rootFrom(BigInteger leaf, long index, List<BigInteger> siblings) {
        Poseidon h = Poseidon.of(2);
        BigInteger node = leaf;
        for (int l = 0; l < siblings.size(); l++) {
            node = ((index >>> l) & 1) == 1 ? h.hash(siblings.get(l), node) : h.hash(node, siblings.get(l));
        }
        return node;
    }

    private void setLeaves(long[] v, int n) {
        if (n > capacity()) throw new IndexOutOfBoundsException(n + " leaves do not fit a tree of depth " + depth);
        if (n == 0) return;
        grow(n);
        System.arraycopy(v, 0, levels[0], 0, 4 * n);
        for (int l = 0; l < depth; l++) {
            for (int p = 0; p < counts[l + 1]; p++) hashParent(l, p);
        }
    }

    /** Node p of level l+1 from its children at level l (a missing right child is zero[l]). */
    private void hashParent(int l, int p) {
        long[] cur = levels[l];
        int left = 2 * p, right = left + 1;
        Field.copy(cur, 4 * left, pair, 0);
        if (right < counts[l]) Field.copy(cur, 4 * right, pair, 4);
        else Field.copy(zero, 4 * l, pair, 4);
        hasher.hash(pair, 0, levels[l + 1], 4 * p, scratch);
    }

    /** Extends the stored prefix of every level so that leaves 0..n-1 are stored, filling with zero values. */
    private void grow(int n) {
        if (n <= counts[0]) return;
        for (int l = 0; l <= depth; l++) {
            int need = l == 0 ? n : ((n - 1) >> l) + 1;
            if (need <= counts[l]) continue;
            if (levels[l].length < 4 * need) levels[l] = Arrays.copyOf(levels[l], Math.max(4 * need, 2 * levels[l].length));
            for (int i = counts[l]; i < need; i++) Field.copy(zero, 4 * l, levels[l], 4 * i);
            counts[l] = need;
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= capacity())
            throw new IndexOutOfBoundsException("leaf index " + index + " outside a tree of depth " + depth);
    }
}
