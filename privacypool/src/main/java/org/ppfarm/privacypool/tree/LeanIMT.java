package org.ppfarm.privacypool.tree;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.prover.bn254.Field;

/**
 * A Lean incremental Merkle tree with Poseidon(2) nodes, with the semantics of @zk-kit/lean-imt 2.2.4 and of the
 * zk-kit Solidity library the 0xbow pools keep their state in: no zero hashes; a node with only a left child takes
 * its child's value; the depth is {@code ceil(log2(size))} and grows as leaves arrive. Roots, depths, proofs and
 * indices equal the JavaScript library's for every size.
 *
 * <p>Leaves must be non-zero canonical field elements, as the Solidity library enforces (its {@code insert} reverts
 * on 0 and on values ≥ p); lean-imt's JS {@code insertMany} would also treat a zero right child as absent, so
 * refusing zeros keeps every code path consistent.
 *
 * <p>Layout: level l holds {@code ceil(size / 2^l)} nodes, 4 Montgomery-form limbs each, in one growable
 * {@code long[]}; level {@code depth} holds the root. Not thread-safe; readers and writers synchronize externally.
 */
public final class LeanIMT {
    /** Depth the 0xbow circuits accept (their siblings arrays have 32 entries). */
    public static final int CIRCUIT_MAX_DEPTH = 32;

    private static final Field FR = Field.FR;

    private long[][] levels = {new long[64]};
    private int[] counts = {0};
    private int depth;
    private final Poseidon hasher = Poseidon.of(2);
    private final long[] scratch = hasher.newScratch();
    private final long[] pair = new long[8];

    public LeanIMT() {}

    /** A tree holding {@code leaves}, built with one {@link #insertMany}. */
    public LeanIMT(List<BigInteger> leaves) {
        if (!leaves.isEmpty()) insertMany(leaves);
    }

    public int size() { return counts[0]; }

    public int depth() { return depth; }

    /** The root; zero for an empty tree (as the Solidity library reports it). */
    public BigInteger root() {
        return size() == 0 ? BigInteger.ZERO : FR.toBigInteger(levels[depth], 0);
    }

    public BigInteger leaf(int index) {
        checkIndex(index);
        return FR.toBigInteger(levels[0], 4 * index);
    }

    /** All leaves in insertion order. */
    public List<BigInteger> leaves() {
        List<BigInteger> r = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) r.add(FR.toBigInteger(levels[0], 4 * i));
        return r;
    }

    /** Index of the first leaf equal to {@code leaf}, or -1. */
    public int indexOf(BigInteger leaf) {
        if (leaf.signum() <= 0 || leaf.compareTo(FR.modulus()) >= 0) return -1;
        long[] v = FR.fromBigInteger(leaf);
        long[] l0 = levels[0];
        for (int i = 0, n = size(); i < n; i++) if (Field.equal(l0, 4 * i, v, 0)) return i;
        return -1;
    }

    public boolean has(BigInteger leaf) { return indexOf(leaf) >= 0; }

    /** Appends one leaf and updates the path to the root (lean-imt {@code insert}). */
    public void insert(BigInteger leaf) {
        long[] v = toLeaf(leaf, "leaf");
        int size = size();
        if (size > 0 && size == 1L << depth) addLevel();
        int index = size;
        System.arraycopy(v, 0, pair, 0, 4);   // pair[0..4) carries the node up
        for (int level = 0; level < depth; level++) {
            put(level, index, pair, 0);
            if ((index & 1) == 1) {
                Field.copy(pair, 0, pair, 4);
                Field.copy(levels[level], 4 * (index - 1), pair, 0);
                hasher.hash(pair, 0, pair, 0, scratch);
            }
            index >>= 1;
        }
        put(depth, 0, pair, 0);
        counts[depth] = 1;
    }

    /** Appends many leaves, hashing each new node once (lean-imt {@code insertMany}). */
    public void insertMany(List<BigInteger> leaves) {
        if (leaves.isEmpty()) throw new IllegalArgumentException("there are no leaves to add");
        long[] v = new long[4 * leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            BigInteger x = leaves.get(i);
            checkLeafValue(x, "leaves[" + i + "]");
            FR.fromBigInteger(x, v, 4 * i);
        }
        insertManyMontgomery(v, leaves.size());
    }

    /** {@link #insertMany} for leaves already in Montgomery form, {@code n} elements at the front of {@code leaves}. */
    public void insertManyMontgomery(long[] leaves, int n) {
        if (n == 0) throw new IllegalArgumentException("there are no leaves to add");
        for (int i = 0; i < n; i++) {
            if (Field.isZero(leaves, 4 * i)) throw new InvalidLeafException("leaves[" + i + "] is zero");
        }
        int startIndex = size() >> 1;
        ensure(0, size() + n);
        System.arraycopy(leaves, 0, levels[0], 4 * size(), 4 * n);
        counts[0] += n;
        int target = ceilLog2(size());
        while (depth < target) addLevel();
        for (int level = 0; level < depth; level++) {
            long[] cur = levels[level];
            int count = counts[level];
            int parents = (count + 1) >> 1;
            ensure(level + 1, parents);
            long[] up = levels[level + 1];
            for (int index = startIndex; index < parents; index++) {
                if (2 * index + 1 < count) hasher.hash(cur, 8 * index, up, 4 * index, scratch);
                else Field.copy(cur, 8 * index, up, 4 * index);
            }
            counts[level + 1] = parents;
            startIndex >>= 1;
        }
    }

    /** Replaces the leaf at {@code index} and recomputes its path (lean-imt {@code update}). */
    public void update(int index, BigInteger leaf) {
        checkIndex(index);
        long[] v = toLeaf(leaf, "leaf");
        System.arraycopy(v, 0, pair, 0, 4);
        for (int level = 0; level < depth; level++) {
            Field.copy(pair, 0, levels[level], 4 * index);
            if ((index & 1) == 1) {
                Field.copy(pair, 0, pair, 4);
                Field.copy(levels[level], 4 * (index - 1), pair, 0);
                hasher.hash(pair, 0, pair, 0, scratch);
            } else if (index + 1 < counts[level]) {
                Field.copy(levels[level], 4 * (index + 1), pair, 4);
                hasher.hash(pair, 0, pair, 0, scratch);
            }
            index >>= 1;
        }
        Field.copy(pair, 0, levels[depth], 0);
    }

    /** lean-imt's {@code generateProof}: siblings only where one exists, the index over those levels only. */
    public MerkleProof generateProof(int index) {
        checkIndex(index);
        BigInteger leaf = leaf(index);
        List<BigInteger> siblings = new ArrayList<>();
        long path = 0;
        for (int level = 0, i = index; level < depth; level++, i >>= 1) {
            boolean right = (i & 1) == 1;
            int sibling = right ? i - 1 : i + 1;
            if (sibling < counts[level]) {
                if (right) path |= 1L << siblings.size();
                siblings.add(FR.toBigInteger(levels[level], 4 * sibling));
            }
        }
        return new MerkleProof(root(), leaf, path, siblings, depth);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size())
            throw new IndexOutOfBoundsException("the leaf at index " + index + " does not exist in this tree of " + size());
    }

    private static void checkLeafValue(BigInteger x, String what) {
        if (x.signum() == 0) throw new InvalidLeafException(what + " is zero");
        if (x.signum() < 0 || x.compareTo(FR.modulus()) >= 0)
            throw new InvalidLeafException(what + " is not a canonical BN254 scalar-field element");
    }

    private static long[] toLeaf(BigInteger x, String what) {
        checkLeafValue(x, what);
        return FR.fromBigInteger(x);
    }

    private void addLevel() {
        depth++;
        levels = Arrays.copyOf(levels, depth + 1);
        counts = Arrays.copyOf(counts, depth + 1);
        levels[depth] = new long[4];
    }

    private void put(int level, int index, long[] src, int off) {
        ensure(level, index + 1);
        Field.copy(src, off, levels[level], 4 * index);
        if (index >= counts[level]) counts[level] = index + 1;
    }

    private void ensure(int level, int elements) {
        long[] a = levels[level];
        if (a.length < 4L * elements) {
            long cap = Math.max(4L * elements, Math.min(2L * a.length, Integer.MAX_VALUE - 8));
            if (cap > Integer.MAX_VALUE - 8) throw new IllegalStateException("tree level " + level + " too large");
            levels[level] = Arrays.copyOf(a, (int) cap);
        }
    }

    private static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
