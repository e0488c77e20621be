package org.ppfarm.witness;

import org.ppfarm.prover.bn254.Field;

/**
 * Text → canonical BN254 Fr element (4 standard-form limbs), with the syntax snarkjs accepts for an input value:
 * what JavaScript's {@code BigInt(string)} accepts — surrounding whitespace, an optional sign on decimals, and
 * {@code 0x}/{@code 0o}/{@code 0b} prefixes (no sign). Parsed straight into limbs: no {@code BigInteger} or
 * {@code String} copy of a (possibly secret) value is made.
 *
 * <p>Where ppfarm is stricter than snarkjs, on purpose: a value ≥ p is refused (snarkjs reduces it mod p), and an
 * empty or blank string is refused (snarkjs reads it as 0). A negative value −x with x &lt; p is accepted as p − x,
 * as snarkjs and circom do.
 */
final class FieldParser {
    private FieldParser() {}

    enum Status { OK, NOT_A_NUMBER, OUT_OF_RANGE }

    /** Largest integer a JavaScript number holds exactly (Number.MAX_SAFE_INTEGER). */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static final long[] P = Field.limbs(Field.FR.modulus());

    /**
     * Parses {@code s[off, off+len)} into {@code out[o..o+4)}.
     *
     * @param jsonNumber the text is a JSON integer literal: only decimal, and its magnitude must be a safe integer
     *                   (JSON.parse would silently round a larger one)
     */
    static Status parse(char[] s, int off, int len, boolean jsonNumber, long[] out, int o) {
        int i = off, end = off + len;
        while (i < end && isJsWhitespace(s[i])) i++;
        while (end > i && isJsWhitespace(s[end - 1])) end--;
        if (i == end) return Status.NOT_A_NUMBER;
        boolean negative = false;
        int radix = 10;
        if (s[i] == '+' || s[i] == '-') {
            negative = s[i] == '-';
            i++;
        } else if (!jsonNumber && end - i > 2 && s[i] == '0') {
            char c = s[i + 1];
            radix = c == 'x' || c == 'X' ? 16 : c == 'o' || c == 'O' ? 8 : c == 'b' || c == 'B' ? 2 : 10;
            if (radix != 10) i += 2;
        }
        if (i == end) return Status.NOT_A_NUMBER;
        long l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        boolean overflow = false;
        for (; i < end; i++) {
            int d = Character.digit(s[i], radix);
            if (d < 0 || s[i] > 'z') return Status.NOT_A_NUMBER;  // digit() also accepts non-ASCII digits
            if (overflow) continue;  // keep scanning: a non-digit later still makes it "not a number"
            // (l3:l2:l1:l0) = (l3:l2:l1:l0) * radix + d
            long h0 = Math.unsignedMultiplyHigh(l0, radix), m0 = l0 * radix;
            long h1 = Math.unsignedMultiplyHigh(l1, radix), m1 = l1 * radix;
            long h2 = Math.unsignedMultiplyHigh(l2, radix), m2 = l2 * radix;
            long h3 = Math.unsignedMultiplyHigh(l3, radix), m3 = l3 * radix;
            long n0 = m0 + d;
            long c = Long.compareUnsigned(n0, m0) < 0 ? 1 : 0;
            long n1 = m1 + h0;
            long c1 = Long.compareUnsigned(n1, m1) < 0 ? 1 : 0;
            long t1 = n1 + c;
            c1 += Long.compareUnsigned(t1, n1) < 0 ? 1 : 0;
            long n2 = m2 + h1;
            long c2 = Long.compareUnsigned(n2, m2) < 0 ? 1 : 0;
            long t2 = n2 + c1;
            c2 += Long.compareUnsigned(t2, n2) < 0 ? 1 : 0;
            long n3 = m3 + h2;
            long c3 = Long.compareUnsigned(n3, m3) < 0 ? 1 : 0;
            long t3 = n3 + c2;
            c3 += Long.compareUnsigned(t3, n3) < 0 ? 1 : 0;
            if (h3 != 0 || c3 != 0) overflow = true;
            l0 = n0;
            l1 = t1;
            l2 = t2;
            l3 = t3;
        }
        if (jsonNumber && (overflow || l3 != 0 || l2 != 0 || l1 != 0 || Long.compareUnsigned(l0, MAX_SAFE_INTEGER) > 0)) {
            return Status.NOT_A_NUMBER;
        }
        out[o] = l0;
        out[o + 1] = l1;
        out[o + 2] = l2;
        out[o + 3] = l3;
        if (overflow || !Field.FR.isCanonical(out, o)) {
            zero(out, o);
            return Status.OUT_OF_RANGE;
        }
        if (negative && (l0 | l1 | l2 | l3) != 0) subtractFromP(out, o);
        return Status.OK;
    }

    /** A JavaScript integer-valued number (from JSON) as a field element; fractional or unsafe values are refused. */
    static Status fromDouble(double v, long[] out, int o) {
        if (!Double.isFinite(v) || v != Math.rint(v) || Math.abs(v) > MAX_SAFE_INTEGER) return Status.NOT_A_NUMBER;
        return fromLong((long) v, out, o);
    }

    static Status fromLong(long v, long[] out, int o) {
        zero(out, o);
        out[o] = Math.abs(v);  // |Long.MIN_VALUE| wraps to itself, which read unsigned is exactly 2^63
        if (v < 0) subtractFromP(out, o);
        return Status.OK;
    }

    /** out = p - out (out is in (0, p)). */
    private static void subtractFromP(long[] out, int o) {
        long borrow = 0;
        for (int k = 0; k < 4; k++) {
            long a = P[k], b = out[o + k];
            long d = a - b - borrow;
            borrow = (Long.compareUnsigned(a, b) < 0 || (Long.compareUnsigned(a, b) == 0 && borrow != 0)) ? 1 : 0;
            out[o + k] = d;
        }
    }

    static void zero(long[] out, int o) {
        out[o] = 0;
        out[o + 1] = 0;
        out[o + 2] = 0;
        out[o + 3] = 0;
    }

    /** The characters JavaScript's StringToBigInt trims: WhiteSpace and LineTerminator. */
    private static boolean isJsWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u00A0' || c == '\uFEFF'
                || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}
