package org.ppfarm.privacypool.subset;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.privacypool.protocol.InputSignals;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.tree.FixedMerkleTree;
import org.ppfarm.prover.bn254.Field;

/**
 * Inputs of {@code circuits/subset_withdraw.circom}: a withdrawal that proves its deposit is in the deposit tree and
 * that the same index holds ALLOWED in an access list's tree. Built only when the deposit exists and the list
 * allows it ({@link DepositNotInSubsetException} otherwise: a blocked deposit never reaches a prover).
 * <pre>
 *   raw commitment       C  = Poseidon(s)
 *   stamped commitment   C' = Poseidon(C, assetMetadata)      (the deposit tree leaf)
 *   nullifier            N  = Poseidon(s, 1, index)
 * </pre>
 * Public signals: [root, subsetRoot, nullifier, assetMetadata, withdrawMetadata]. The secret is held as limbs and
 * wiped by {@link #close()}.
 */
public final class SubsetWithdrawInputs implements InputSignals, AutoCloseable {
    private static final Field FR = Field.FR;

    private final BigInteger root, subsetRoot, nullifier, assetMetadata, withdrawMetadata;
    private final int index;
    private final List<BigInteger> mainProof, subsetProof;
    private final long[] secret = new long[4];
    private boolean closed;

    private SubsetWithdrawInputs(BigInteger secret, int index, BigInteger assetMetadata, BigInteger withdrawMetadata,
                                 FixedMerkleTree deposits, FixedMerkleTree list) {
        FR.fromBigInteger(secret, this.secret, 0);
        this.index = index;
        this.assetMetadata = assetMetadata;
        this.withdrawMetadata = withdrawMetadata;
        this.root = deposits.root();
        this.subsetRoot = list.root();
        this.mainProof = deposits.siblings(index);
        this.subsetProof = list.siblings(index);
        this.nullifier = nullifier(secret, index);
    }

    /**
     * Checks and builds.
     *
     * @param deposits the pool's deposit tree (depth {@link SubsetValues#DEPTH}, zero leaf EMPTY)
     * @throws DepositNotFoundException when no deposit has this secret and asset metadata
     * @throws DepositNotInSubsetException when {@code list} blocks the deposit
     */
    public static SubsetWithdrawInputs build(BigInteger secret, BigInteger assetMetadata, BigInteger withdrawMetadata,
                                             FixedMerkleTree deposits, AccessList list) {
        FieldValues.nonZero("secret", secret);
        FieldValues.canonical("assetMetadata", assetMetadata);
        FieldValues.canonical("withdrawMetadata", withdrawMetadata);
        if (deposits.depth() != SubsetValues.DEPTH)
            throw new IllegalArgumentException("the subset circuit takes a deposit tree of depth " + SubsetValues.DEPTH
                    + ", not " + deposits.depth());
        int index = deposits.indexOf(stampedCommitment(secret, assetMetadata));
        if (index < 0) throw new DepositNotFoundException(deposits.extent());
        if (!list.allows(index)) throw new DepositNotInSubsetException(index, list.type());
        return new SubsetWithdrawInputs(secret, index, assetMetadata, withdrawMetadata, deposits, list.tree(deposits.depth()));
    }

    /** C = Poseidon(s). */
    public static BigInteger rawCommitment(BigInteger secret) {
        return Poseidon.of(1).hash(secret);
    }

    /** C' = Poseidon(Poseidon(s), assetMetadata): what a depositor inserts. */
    public static BigInteger stampedCommitment(BigInteger secret, BigInteger assetMetadata) {
        return Poseidon.of(2).hash(rawCommitment(secret), assetMetadata);
    }

    /** N = Poseidon(s, 1, index). */
    public static BigInteger nullifier(BigInteger secret, int index) {
        return Poseidon.of(3).hash(secret, BigInteger.ONE, BigInteger.valueOf(index));
    }

    @Override public Map<String, Object> signals() {
        if (closed) throw new IllegalStateException("subset inputs were wiped");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", root);
        m.put("subsetRoot", subsetRoot);
        m.put("nullifier", nullifier);
        m.put("assetMetadata", assetMetadata);
        m.put("withdrawMetadata", withdrawMetadata);
        m.put("secret", FR.toBigInteger(secret, 0));
        m.put("index", BigInteger.valueOf(index));
        m.put("mainProof", mainProof);
        m.put("subsetProof", subsetProof);
        return m;
    }

    @Override public List<BigInteger> publicSignals() {
        return List.of(root, subsetRoot, nullifier, assetMetadata, withdrawMetadata);
    }

    public int index() { return index; }

    public BigInteger nullifier() { return nullifier; }

    public BigInteger subsetRoot() { return subsetRoot; }

    @Override public void close() {
        Arrays.fill(secret, 0);
        closed = true;
    }

    @Override public String toString() {
        return "SubsetWithdrawInputs[root=" + root + ", subsetRoot=" + subsetRoot + ", secret " + (closed ? "wiped" : "redacted") + "]";
    }
}
