package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppfarm.privacypool.tree.LeanIMT;
import org.ppfarm.prover.bn254.Field;

/**
 * Inputs of 0xbow's commitment circuit, which a depositor proves to ragequit (publicly withdraw a deposit the ASP
 * has not approved): value and label public, nullifier and secret private. Built only when the note's commitment is
 * in the state tree, as the contract requires. Public signals: [commitment, nullifierHash, value, label]. The two
 * secrets are held as limbs and wiped by {@link #close()}.
 */
public final class RagequitInputs implements InputSignals, AutoCloseable {
    private static final Field FR = Field.FR;

    private final BigInteger value, label, commitment, nullifierHash;
    private final long[] secrets = new long[8];
    private boolean closed;

    private RagequitInputs(Note note, BigInteger commitment) {
        this.value = note.value();
        this.label = note.label();
        this.commitment = commitment;
        this.nullifierHash = note.nullifierHash();
        FR.fromBigInteger(note.secrets().nullifier(), secrets, 0);
        FR.fromBigInteger(note.secrets().secret(), secrets, 4);
    }

    /** @throws CommitmentNotInStateTreeException when the note was never deposited in this pool's state */
    public static RagequitInputs build(Note note, LeanIMT stateTree) {
        BigInteger commitment = note.commitment();
        if (stateTree.indexOf(commitment) < 0) throw new CommitmentNotInStateTreeException(stateTree.size());
        return new RagequitInputs(note, commitment);
    }

    @Override public Map<String, Object> signals() {
        long[] s = live();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("label", label);
        m.put("nullifier", FR.toBigInteger(s, 0));
        m.put("secret", FR.toBigInteger(s, 4));
        return m;
    }

    @Override public List<BigInteger> publicSignals() {
        return List.of(commitment, nullifierHash, value, label);
    }

    public BigInteger commitment() { return commitment; }

    public BigInteger nullifierHash() { return nullifierHash; }

    @Override public void close() {
        Arrays.fill(secrets, 0);
        closed = true;
    }

    @Override public String toString() {
        return "RagequitInputs[value=" + value + ", label=" + label + ", secrets " + (closed ? "wiped" : "redacted") + "]";
    }

    private long[] live() {
        if (closed) throw new IllegalStateException("ragequit inputs were wiped");
        return secrets;
    }
}
