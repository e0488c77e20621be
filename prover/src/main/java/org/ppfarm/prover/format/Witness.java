package org.ppfarm.prover.format;

import java.math.BigInteger;
import java.util.Arrays;
import org.ppfarm.prover.bn254.Field;

/**
 * A circuit's full assignment: signal i (signal 0 is the constant 1) as a standard-form (not Montgomery) BN254 Fr
 * element, 4 little-endian limbs at {@code values[4*i]}. Values are canonical (< r).
 *
 * <p>A withdraw witness contains the note's nullifier and secret: {@link #zeroize()} it once the proof is made,
 * and never log it ({@link #toString()} prints only the size).
 */
public final class Witness {
    private final long[] values;

    private Witness(long[] values) { this.values = values; }

    /** Wraps (does not copy) standard-form limbs; every element must be canonical. */
    public static Witness ofStandardLimbs(long[] values, String source) {
        if (values.length % 4 != 0) throw new IllegalArgumentException("witness limbs not a multiple of 4");
        for (int i = 0; i < values.length; i += 4) {
            if (!Field.FR.isCanonical(values, i))
                throw new FormatException(source, "signal " + (i / 4), "value is not below the BN254 scalar field modulus");
        }
        return new Witness(values);
    }

    public int size() { return values.length / 4; }

    /** The backing limbs (standard form). Callers must not modify them. */
    public long[] limbs() { return values; }

    public BigInteger get(int signal) { return Field.standardToBigInteger(values, 4 * signal); }

    /** Overwrites the values with zeros. */
    public void zeroize() { Arrays.fill(values, 0L); }

    @Override public String toString() { return "Witness[" + size() + " signals]"; }
}
