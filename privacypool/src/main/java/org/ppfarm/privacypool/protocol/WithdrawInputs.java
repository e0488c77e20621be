package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppfarm.privacypool.tree.LeanIMT;
import org.ppfarm.privacypool.tree.MerkleProof;
import org.ppfarm.prover.bn254.Field;

/**
 * Inputs of 0xbow's production withdraw circuit ({@code Withdraw(32)}), built only after checking that a proof can
 * exist: the note's commitment is a state tree leaf, its label an approved ASP leaf, 0 < withdrawnValue ≤ value
 * (both within the circuit's 128-bit range), and the change note's nullifier differs from the spent one.
 *
 * <p>The change note keeps the label and holds {@code value - withdrawnValue} under the new nullifier and secret.
 * Public signals: [newCommitmentHash, existingNullifierHash, withdrawnValue, stateRoot, stateTreeDepth, ASPRoot,
 * ASPTreeDepth, context]. The four secrets are held as limbs and wiped by {@link #close()}.
 */
public final class WithdrawInputs implements InputSignals, AutoCloseable {
    /** Length of the circuit's sibling arrays. */
    public static final int MAX_DEPTH = LeanIMT.CIRCUIT_MAX_DEPTH;
    private static final Field FR = Field.FR;

    private final BigInteger withdrawnValue, stateRoot, aspRoot, context, label, existingValue;
    private final int stateTreeDepth, aspTreeDepth;
    private final MerkleProof stateProof, aspProof;
    private final BigInteger newCommitmentHash, existingNullifierHash;
    /** existingNullifier, existingSecret, newNullifier, newSecret (Montgomery). */
    private final long[] secrets = new long[16];
    private boolean closed;

    private WithdrawInputs(Note note, NoteSecrets newSecrets, BigInteger withdrawnValue, BigInteger context,
                           MerkleProof stateProof, MerkleProof aspProof) {
        this.withdrawnValue = withdrawnValue;
        this.context = context;
        this.label = note.label();
        this.existingValue = note.value();
        this.stateProof = stateProof;
        this.aspProof = aspProof;
        this.stateRoot = stateProof.root();
        this.aspRoot = aspProof.root();
        this.stateTreeDepth = stateProof.treeDepth();
        this.aspTreeDepth = aspProof.treeDepth();
        this.existingNullifierHash = note.nullifierHash();
        this.newCommitmentHash = PoolProtocol.commitment(note.value().subtract(withdrawnValue), note.label(),
                newSecrets.precommitment());
        FR.fromBigInteger(note.secrets().nullifier(), secrets, 0);
        FR.fromBigInteger(note.secrets().secret(), secrets, 4);
        FR.fromBigInteger(newSecrets.nullifier(), secrets, 8);
        FR.fromBigInteger(newSecrets.secret(), secrets, 12);
    }

    /**
     * Checks and builds. The trees are read, not modified.
     *
     * @param scope the pool's scope (binds the context to the pool)
     * @throws InputRejectedException (a named subclass) when no valid proof could exist for these inputs
     */
    public static WithdrawInputs build(Note note, LeanIMT stateTree, LeanIMT aspTree, Withdrawal withdrawal,
                                       BigInteger scope, BigInteger withdrawnValue, NoteSecrets newSecrets) {
        FieldValues.canonical("scope", scope);
        FieldValues.amount("withdrawnValue", withdrawnValue);
        if (withdrawnValue.signum() == 0) throw new InvalidWithdrawnValueException("must be greater than zero");
        if (withdrawnValue.compareTo(note.value()) > 0)
            throw new InvalidWithdrawnValueException("exceeds the note's value " + note.value());
        if (newSecrets.sameNullifier(note.secrets())) throw new NullifierReuseException();

        int stateIndex = stateTree.indexOf(note.commitment());
        if (stateIndex < 0) throw new CommitmentNotInStateTreeException(stateTree.size());
        int aspIndex = aspTree.indexOf(note.label());
        if (aspIndex < 0) throw new LabelNotInAspTreeException(aspTree.size());

        BigInteger context = PoolProtocol.context(withdrawal, scope);
        return new WithdrawInputs(note, newSecrets, withdrawnValue, context,
                stateTree.generateProof(stateIndex), aspTree.generateProof(aspIndex));
    }

    @Override public Map<String, Object> signals() {
        long[] s = live();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("withdrawnValue", withdrawnValue);
        m.put("stateRoot", stateRoot);
        m.put("stateTreeDepth", BigInteger.valueOf(stateTreeDepth));
        m.put("ASPRoot", aspRoot);
        m.put("ASPTreeDepth", BigInteger.valueOf(aspTreeDepth));
        m.put("context", context);
        m.put("label", label);
        m.put("existingValue", existingValue);
        m.put("existingNullifier", FR.toBigInteger(s, 0));
        m.put("existingSecret", FR.toBigInteger(s, 4));
        m.put("newNullifier", FR.toBigInteger(s, 8));
        m.put("newSecret", FR.toBigInteger(s, 12));
        m.put("stateSiblings", stateProof.paddedSiblings(MAX_DEPTH));
        m.put("stateIndex", BigInteger.valueOf(stateProof.index()));
        m.put("ASPSiblings", aspProof.paddedSiblings(MAX_DEPTH));
        m.put("ASPIndex", BigInteger.valueOf(aspProof.index()));
        return m;
    }

    @Override public List<BigInteger> publicSignals() {
        return List.of(newCommitmentHash, existingNullifierHash, withdrawnValue, stateRoot,
                BigInteger.valueOf(stateTreeDepth), aspRoot, BigInteger.valueOf(aspTreeDepth), context);
    }

    /** The change note's commitment (the leaf the pool inserts when the withdrawal lands). */
    public BigInteger newCommitmentHash() { return newCommitmentHash; }

    /** Poseidon(existing nullifier): the pool marks it spent. */
    public BigInteger existingNullifierHash() { return existingNullifierHash; }

    public BigInteger context() { return context; }

    public BigInteger stateRoot() { return stateRoot; }

    public BigInteger aspRoot() { return aspRoot; }

    @Override public void close() {
        Arrays.fill(secrets, 0);
        closed = true;
    }

    @Override public String toString() {
        return "WithdrawInputs[withdrawnValue=" + withdrawnValue + ", stateRoot=" + stateRoot + ", ASPRoot=" + aspRoot
                + ", secrets " + (closed ? "wiped" : "redacted") + "]";
    }

    private long[] live() {
        if (closed) throw new IllegalStateException("withdraw inputs were wiped");
        return secrets;
    }
}
