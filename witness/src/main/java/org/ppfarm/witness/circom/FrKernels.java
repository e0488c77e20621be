package org.ppfarm.witness.circom;

import com.dylibso.chicory.runtime.Memory;
import org.ppfarm.prover.bn254.Field;

import static org.ppfarm.prover.bn254.Field.borrow;
import static org.ppfarm.prover.bn254.Field.carry;

/**
 * ppfarm's own code for circom's BN254 field functions, called by the compiled circuit in their place
 * ({@link FrFunctions} rewrites the generated methods). Public only because the generated classes live in another
 * class loader; nothing else calls these.
 *
 * <p>circom's wasm keeps a field element's 256-bit value as 8 little-endian 32-bit words in its linear memory; each
 * kernel reads the same words as 4 little-endian 64-bit limbs and writes exactly the bytes the wasm function would
 * write, with the same value it would return. A kernel handles a call only where that equality is proven and hands
 * it back otherwise — returns {@code false} (void functions) or {@link #PLAIN} — and the caller then runs circom's
 * own code: when an operand lies outside the memory (circom's code traps, possibly after writing part of its
 * result), when the output overlaps an input other than exactly (circom's code interleaves reads and writes word by
 * word) and, for the Montgomery product and reduction, when the modulus q circom reads from memory at {@link #P_AT}
 * is not BN254's r any more or (product) an input is not below r (ppfarm's multiplication assumes reduced inputs).
 *
 * <p>Thread-safe: no state; every computation has its own memory.
 */
public final class FrKernels {
    /** What a kernel returning a wasm value returns when it hands the call back to circom's code. */
    public static final long PLAIN = Long.MIN_VALUE;
    /** Where circom's data segment puts the modulus q ({@code Fr_q}); its field functions read it from there. */
    static final int P_AT = 608;
    /** BN254's scalar field r, little-endian 64-bit limbs. */
    static final long P0 = 0x43e1f593f0000001L, P1 = 0x2833e84879b97091L, P2 = 0xb85045b68181585dL,
            P3 = 0x30644e72e131a029L;
    /** Where circom's {@code Fr_F1m_mReduct} keeps the carries of its rounds. */
    static final int CARRIES = 992;
    /** −q^-1 mod 2^32, the constant in circom's Montgomery code (part of the recognised body). */
    private static final long NP32 = 4026531839L;
    /** q as circom's code reads it: 8 little-endian 32-bit words. */
    private static final long[] P_WORDS = {P0 & 0xffffffffL, P0 >>> 32, P1 & 0xffffffffL, P1 >>> 32,
        P2 & 0xffffffffL, P2 >>> 32, P3 & 0xffffffffL, P3 >>> 32};
    private static final int ELEMENT = 32;
    /** {@code Fr_copy}'s unit: a short value, its type word and the 32 bytes of the long value. */
    private static final int FR_SIZE = 40;

    private FrKernels() {}

    /**
     * {@code Fr_F1m_mul(x, y, r)}: r = x·y·2^-256 mod q, as circom's 32-bit CIOS computes it. That code reads all of
     * x, y and q before writing r, and its result is fully reduced: for x, y &lt; q it is the unique value in [0, q)
     * that ppfarm's 64-bit Montgomery multiplication (same R = 2^256) computes. Its final subtraction reads q again
     * after writing r, hence r must not overlap q.
     */
    public static boolean f1mMul(int x, int y, int r, Memory m) {
        long size = size(m);
        if (!fits(x, ELEMENT, size) || !fits(y, ELEMENT, size) || !fits(r, ELEMENT, size)
                || overlaps(r, ELEMENT, P_AT, ELEMENT) || !modulusAtPAt(m, size)) return false;
        long[] t = new long[12];
        read(m, x, t, 0);
        read(m, y, t, 4);
        if (!belowP(t, 0) || !belowP(t, 4)) return false;
        Field.FR.mul(t, 0, t, 4, t, 8);
        write(m, r, t, 8);
        return true;
    }

    /**
     * {@code Fr_F1m_add(x, y, r)}, as circom composes it: r = x + y over 256 bits ({@code Fr_int_add}); if that carried
     * out or r ≥ q ({@code Fr_int_gte(r, q)}), r = r − q mod 2^256 ({@code Fr_int_sub(r, q, r)}). Exact for every
     * input, reduced or not; q is read where circom reads it, which r must not overlap.
     */
    public static boolean f1mAdd(int x, int y, int r, Memory m) {
        long size = size(m);
        if (!binaryFits(x, y, r, size) || overlaps(r, ELEMENT, P_AT, ELEMENT) || !fits(P_AT, ELEMENT, size)) return false;
        if (add(x, y, r, m) != 0 || gte(r, P_AT, m)) sub(r, P_AT, r, m);
        return true;
    }

    /** {@code Fr_F1m_sub(x, y, r)}: r = x − y mod 2^256 ({@code Fr_int_sub}); if that borrowed, r = r + q mod 2^256. Exact for every input. */
    public static boolean f1mSub(int x, int y, int r, Memory m) {
        long size = size(m);
        if (!binaryFits(x, y, r, size) || overlaps(r, ELEMENT, P_AT, ELEMENT) || !fits(P_AT, ELEMENT, size)) return false;
        if (sub(x, y, r, m) != 0) add(r, P_AT, r, m);
        return true;
    }

    /**
     * {@code Fr_F1m_mReduct(t, r)}: circom's Montgomery reduction of the 512-bit t (16 words) into r, with its side
     * effects: t is reduced in place word by word (words 0–14 written, each as circom last writes it), the carries of
     * its 8 rounds go to the words at {@link #CARRIES}, then r = {@code Fr_F1m_add(CARRIES, t + 32)}. The rounds are
     * circom's own 32-bit arithmetic on copies of t and q (64-bit sums wrap as wasm's i64 do), so the bytes are the
     * same for every t; the copies equal the memory when t overlaps neither q nor the carries.
     */
    public static boolean mReduct(int t, int r, Memory m) {
        long size = size(m);
        if (!fits(t, 2 * ELEMENT, size) || !fits(CARRIES, ELEMENT, size) || !fits(r, ELEMENT, size)
                || overlaps(t, 2 * ELEMENT, P_AT, ELEMENT) || overlaps(t, 2 * ELEMENT, CARRIES, ELEMENT)
                || !modulusAtPAt(m, size) || overlaps(r, ELEMENT, P_AT, ELEMENT)
                || (r != CARRIES && overlaps(r, ELEMENT, CARRIES, ELEMENT))
                || (r != t + ELEMENT && overlaps(r, ELEMENT, t + ELEMENT, ELEMENT))) return false;
        long[] w = new long[16];
        for (int i = 0; i < 8; i++) {
            long v = m.readLong(t + 8 * i);
            w[2 * i] = v & 0xffffffffL;
            w[2 * i + 1] = v >>> 32;
        }
        long[] carries = new long[8];
        for (int i = 0; i < 8; i++) {
            long c = 0;
            long mi = (w[i] * NP32) & 0xffffffffL;
            for (int j = 0; j < 8; j++) {
                c = w[i + j] + (c >>> 32) + P_WORDS[j] * mi;
                w[i + j] = c & 0xffffffffL;
            }
            carries[i] = (c >>> 32) & 0xffffffffL;
        }
        for (int i = 0; i < 7; i++) m.writeLong(t + 8 * i, w[2 * i] | (w[2 * i + 1] << 32));
        m.writeI32(t + 56, (int) w[14]);
        for (int i = 0; i < 4; i++) m.writeLong(CARRIES + 8 * i, carries[2 * i] | (carries[2 * i + 1] << 32));
        if (!f1mAdd(CARRIES, t + ELEMENT, r, m)) throw new IllegalStateException("Fr_F1m_add refused what was checked");
        return true;
    }

    /** {@code Fr_int_add(x, y, r)}: r = x + y mod 2^256; returns the carry out (0 or 1). */
    public static long intAdd(int x, int y, int r, Memory m) {
        return binaryFits(x, y, r, size(m)) ? add(x, y, r, m) : PLAIN;
    }

    /** {@code Fr_int_sub(x, y, r)}: r = x − y mod 2^256; returns −1 when it borrowed, else 0 (circom's arithmetic shift). */
    public static long intSub(int x, int y, int r, Memory m) {
        return binaryFits(x, y, r, size(m)) ? -sub(x, y, r, m) : PLAIN;
    }

    /** {@code Fr_int_gte(x, y)}: 1 when x ≥ y as 256-bit unsigned integers, else 0; reads only. */
    public static long intGte(int x, int y, Memory m) {
        long size = size(m);
        if (!fits(x, ELEMENT, size) || !fits(y, ELEMENT, size)) return PLAIN;
        return gte(x, y, m) ? 1 : 0;
    }

    /**
     * {@code Fr_copy(r, x)}: the five 64-bit words of an element, each read then written in circom's order, so even
     * overlapping operands end as circom leaves them.
     */
    public static boolean copy(int r, int x, Memory m) {
        long size = size(m);
        if (!fits(r, FR_SIZE, size) || !fits(x, FR_SIZE, size)) return false;
        m.writeLong(r, m.readLong(x));
        m.writeLong(r + 8, m.readLong(x + 8));
        m.writeLong(r + 16, m.readLong(x + 16));
        m.writeLong(r + 24, m.readLong(x + 24));
        m.writeLong(r + 32, m.readLong(x + 32));
        return true;
    }

    /** r = x + y mod 2^256 (operands checked by {@link #binaryFits}); the carry out. */
    private static long add(int x, int y, int r, Memory m) {
        long x0 = m.readLong(x), x1 = m.readLong(x + 8), x2 = m.readLong(x + 16), x3 = m.readLong(x + 24);
        long y0 = m.readLong(y), y1 = m.readLong(y + 8), y2 = m.readLong(y + 16), y3 = m.readLong(y + 24);
        long s0 = x0 + y0;
        long c = carry(x0, y0, s0);
        long s1 = x1 + y1 + c;
        c = carry(x1, y1, s1);
        long s2 = x2 + y2 + c;
        c = carry(x2, y2, s2);
        long s3 = x3 + y3 + c;
        c = carry(x3, y3, s3);
        write(m, r, s0, s1, s2, s3);
        return c;
    }

    /** r = x − y mod 2^256 (operands checked by {@link #binaryFits}); the borrow out (0 or 1). */
    private static long sub(int x, int y, int r, Memory m) {
        long x0 = m.readLong(x), x1 = m.readLong(x + 8), x2 = m.readLong(x + 16), x3 = m.readLong(x + 24);
        long y0 = m.readLong(y), y1 = m.readLong(y + 8), y2 = m.readLong(y + 16), y3 = m.readLong(y + 24);
        long d0 = x0 - y0;
        long b = borrow(x0, y0, d0);
        long d1 = x1 - y1 - b;
        b = borrow(x1, y1, d1);
        long d2 = x2 - y2 - b;
        b = borrow(x2, y2, d2);
        long d3 = x3 - y3 - b;
        b = borrow(x3, y3, d3);
        write(m, r, d0, d1, d2, d3);
        return b;
    }

    /** x ≥ y as 256-bit unsigned integers. */
    private static boolean gte(int x, int y, Memory m) {
        for (int o = 24; o >= 0; o -= 8) {
            int c = Long.compareUnsigned(m.readLong(x + o), m.readLong(y + o));
            if (c != 0) return c > 0;
        }
        return true;
    }

    private static long size(Memory m) { return (long) m.pages() * Memory.PAGE_SIZE; }

    /** The wasm address {@code a} (an unsigned i32) and the {@code len} bytes after it lie in the memory. */
    private static boolean fits(int a, int len, long size) { return a >= 0 && a + (long) len <= size; }

    private static boolean overlaps(int a, int alen, int b, int blen) { return a < b + blen && b < a + alen; }

    /**
     * Operands of circom's word-by-word add/sub: all in the memory, and the output either exactly an input or clear
     * of it (a partial overlap would read words the same call has already written).
     */
    private static boolean binaryFits(int x, int y, int r, long size) {
        return fits(x, ELEMENT, size) && fits(y, ELEMENT, size) && fits(r, ELEMENT, size)
                && (r == x || !overlaps(r, ELEMENT, x, ELEMENT)) && (r == y || !overlaps(r, ELEMENT, y, ELEMENT));
    }

    private static boolean modulusAtPAt(Memory m, long size) {
        return fits(P_AT, ELEMENT, size) && m.readLong(P_AT) == P0 && m.readLong(P_AT + 8) == P1
                && m.readLong(P_AT + 16) == P2 && m.readLong(P_AT + 24) == P3;
    }

    private static void read(Memory m, int a, long[] t, int ti) {
        t[ti] = m.readLong(a);
        t[ti + 1] = m.readLong(a + 8);
        t[ti + 2] = m.readLong(a + 16);
        t[ti + 3] = m.readLong(a + 24);
    }

    private static void write(Memory m, int a, long[] t, int ti) { write(m, a, t[ti], t[ti + 1], t[ti + 2], t[ti + 3]); }

    private static void write(Memory m, int a, long v0, long v1, long v2, long v3) {
        m.writeLong(a, v0);
        m.writeLong(a + 8, v1);
        m.writeLong(a + 16, v2);
        m.writeLong(a + 24, v3);
    }

    private static boolean belowP(long[] t, int ti) { return below(t[ti], t[ti + 1], t[ti + 2], t[ti + 3]); }

    /** v &lt; q as a 256-bit unsigned integer. */
    private static boolean below(long v0, long v1, long v2, long v3) {
        if (v3 != P3) return Long.compareUnsigned(v3, P3) < 0;
        if (v2 != P2) return Long.compareUnsigned(v2, P2) < 0;
        if (v1 != P1) return Long.compareUnsigned(v1, P1) < 0;
        return Long.compareUnsigned(v0, P0) < 0;
    }
}
