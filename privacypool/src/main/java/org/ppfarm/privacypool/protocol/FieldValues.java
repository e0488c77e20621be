package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;
import org.ppfarm.prover.bn254.Field;

/** Checks shared by the input builders: canonical field elements, non-zero secrets, 128-bit amounts. */
public final class FieldValues {
    private FieldValues() {}

    public static final BigInteger P = Field.FR.modulus();
    public static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    /** {@code v} itself when it is in [0, p). */
    public static BigInteger canonical(String field, BigInteger v) {
        if (v == null) throw new IllegalArgumentException(field + " is missing");
        if (v.signum() < 0 || v.compareTo(P) >= 0) throw new NonCanonicalFieldElementException(field);
        return v;
    }

    /** {@code v} itself when it is in [1, p). */
    public static BigInteger nonZero(String field, BigInteger v) {
        canonical(field, v);
        if (v.signum() == 0) throw new ZeroValueException(field);
        return v;
    }

    /** {@code v} itself when it is in [0, 2^128). */
    public static BigInteger amount(String field, BigInteger v) {
        canonical(field, v);
        if (v.compareTo(TWO_128) >= 0) throw new ValueOutOfRangeException(field);
        return v;
    }
}
