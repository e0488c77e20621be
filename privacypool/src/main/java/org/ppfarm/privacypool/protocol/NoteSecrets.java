package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.prover.bn254.Field;

/**
 * A note's spending key: its nullifier and secret, held as Montgomery-form limbs (nullifier then secret, so the
 * precommitment hashes them in place) and wiped by {@link #close()}. {@link #toString()} never shows them. Not
 * thread-safe.
 */
public final class NoteSecrets implements AutoCloseable {
    private static final Field FR = Field.FR;
    private final long[] limbs = new long[8];
    private boolean closed;

    private NoteSecrets() {}

    /** Secrets checked as canonical and non-zero, errors naming {@code nullifierField} / {@code secretField}. */
    public static NoteSecrets of(BigInteger nullifier, BigInteger secret, String nullifierField, String secretField) {
        FieldValues.nonZero(nullifierField, nullifier);
        FieldValues.nonZero(secretField, secret);
        NoteSecrets s = new NoteSecrets();
        FR.fromBigInteger(nullifier, s.limbs, 0);
        FR.fromBigInteger(secret, s.limbs, 4);
        return s;
    }

    public static NoteSecrets of(BigInteger nullifier, BigInteger secret) {
        return of(nullifier, secret, "nullifier", "secret");
    }

    /** Takes two Montgomery-form elements (nullifier, secret) from {@code src} at offsets 0 and 4. */
    static NoteSecrets ofMontgomery(long[] src, String nullifierField, String secretField) {
        if (Field.isZero(src, 0)) throw new ZeroValueException(nullifierField);
        if (Field.isZero(src, 4)) throw new ZeroValueException(secretField);
        NoteSecrets s = new NoteSecrets();
        System.arraycopy(src, 0, s.limbs, 0, 8);
        return s;
    }

    /** The nullifier, for the circuit's input file only. */
    public BigInteger nullifier() { return FR.toBigInteger(live(), 0); }

    /** The secret, for the circuit's input file only. */
    public BigInteger secret() { return FR.toBigInteger(live(), 4); }

    /** Poseidon(nullifier): revealed when the note is spent. */
    public BigInteger nullifierHash() {
        Poseidon h = Poseidon.of(1);
        long[] scratch = h.newScratch(), out = new long[4];
        h.hash(live(), 0, out, 0, scratch);
        Arrays.fill(scratch, 0);
        return FR.toBigInteger(out, 0);
    }

    /** Poseidon(nullifier, secret). */
    public BigInteger precommitment() {
        Poseidon h = Poseidon.of(2);
        long[] scratch = h.newScratch(), out = new long[4];
        h.hash(live(), 0, out, 0, scratch);
        Arrays.fill(scratch, 0);
        return FR.toBigInteger(out, 0);
    }

    /** Whether both hold the same nullifier (compared without leaving the limbs). */
    public boolean sameNullifier(NoteSecrets other) {
        return Field.equal(live(), 0, other.live(), 0);
    }

    public boolean isClosed() { return closed; }

    /** Overwrites the secrets with zeros; the object is unusable afterwards. */
    @Override public void close() {
        Arrays.fill(limbs, 0);
        closed = true;
    }

    @Override public String toString() { return closed ? "NoteSecrets[wiped]" : "NoteSecrets[redacted]"; }

    private long[] live() {
        if (closed) throw new IllegalStateException("note secrets were wiped");
        return limbs;
    }
}
