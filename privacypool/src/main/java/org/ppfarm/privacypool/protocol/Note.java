package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;

/**
 * A 0xbow note: a deposit's (or a change note's) value and label, and its spending key. Closing it wipes the key.
 * Not thread-safe.
 */
public final class Note implements AutoCloseable {
    private final BigInteger value;
    private final BigInteger label;
    private final NoteSecrets secrets;

    private Note(BigInteger value, BigInteger label, NoteSecrets secrets) {
        this.value = value;
        this.label = label;
        this.secrets = secrets;
    }

    /**
     * A note; the value must be a 128-bit amount (the circuit's range) and the label a non-zero field element. Takes
     * ownership of {@code secrets} (closing the note closes them).
     */
    public static Note of(BigInteger value, BigInteger label, NoteSecrets secrets) {
        FieldValues.amount("note.value", value);
        FieldValues.nonZero("note.label", label);
        return new Note(value, label, secrets);
    }

    public BigInteger value() { return value; }

    public BigInteger label() { return label; }

    public NoteSecrets secrets() { return secrets; }

    /** Poseidon(value, label, Poseidon(nullifier, secret)): the note's state tree leaf. */
    public BigInteger commitment() {
        return PoolProtocol.commitment(value, label, secrets.precommitment());
    }

    public BigInteger nullifierHash() { return secrets.nullifierHash(); }

    @Override public void close() { secrets.close(); }

    @Override public String toString() { return "Note[value=" + value + ", label=" + label + ", " + secrets + "]"; }
}
