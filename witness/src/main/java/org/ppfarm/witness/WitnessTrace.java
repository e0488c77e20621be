package org.ppfarm.witness;

import java.util.Arrays;
import java.util.Map;
import org.ppfarm.prover.bn254.Field;

/**
 * A circuit's witness computation as a straight-line program over field elements, recorded from one run of its wasm
 * by {@link TraceRecorder}: what circom's code did to the values that came from the inputs, with everything that
 * depended only on the circuit's constants (loop counters, addresses, constant folding, the copies between signals)
 * left out. It replays in 64-bit Montgomery arithmetic ({@link Field#FR}), with no wasm, no memory and no copies.
 *
 * <p>A recorded program holds for every input that takes the recorded path: each branch circom's code took on a
 * value computed from the inputs ({@code Fr_isTrue} — an {@code assert}, a {@code ?:}, an {@code if} on a var) is
 * a guard here, checked at its place. {@link #replay} returns null when a guard fails, or when an operation meets
 * an operand its recording did not cover (a division by zero); the caller then runs the wasm, whose answer — or
 * error — is the reference. The program holds the circuit's constants and those branch outcomes of the input it
 * was recorded from (booleans such as "this IsZero input was zero"); never an input value.
 *
 * <p>Slots: {@code [0, constants)} the constants, then one per input value, then one per operation result. Thread
 * safe: a replay's state is its own.
 */
final class WitnessTrace {
    static final byte ADD = 0, SUB = 1, MUL = 2, NEG = 3, DIV = 4, INV = 5, EQ = 6, NEQ = 7, LT = 8, GT = 9, LEQ = 10,
            GEQ = 11, SHR = 12, BAND = 13, IS_TRUE = 14, IS_FALSE = 15;
    private static final Field F = Field.FR;
    private static final long[] ONE = F.one();
    private static final long[] HALF = Field.limbs(F.modulus().shiftRight(1));

    private final byte[] op;
    private final int[] dst;
    private final int[] a;
    private final int[] b;
    /** Montgomery form, 4 limbs per constant slot. */
    private final long[] constants;
    /** Input signals and their sizes, in the order their values fill the input slots. */
    private final Map<String, Integer> signature;
    private final int slots;
    /** Slot of each witness value. */
    private final int[] outputs;

    WitnessTrace(byte[] op, int[] dst, int[] a, int[] b, long[] constants, Map<String, Integer> signature, int slots, int[] outputs) {
        this.op = op;
        this.dst = dst;
        this.a = a;
        this.b = b;
        this.constants = constants;
        this.signature = signature;
        this.slots = slots;
        this.outputs = outputs;
    }

    int operations() { return op.length; }

    int slots() { return slots; }

    int witnessSize() { return outputs.length; }

    /** Bytes this program holds (what a worker keeps per resident circuit besides the wasm). */
    long bytes() { return op.length * 13L + constants.length * 8L + outputs.length * 4L; }

    /**
     * The witness in standard form (4 limbs per value), or null when these inputs leave the recorded path (a guard
     * fails, a divisor is zero) or do not have the recorded signals and sizes.
     */
    long[] replay(CircuitInputs in) {
        if (!in.names().equals(signature.keySet())) return null;
        for (var e : signature.entrySet()) if (in.count(e.getKey()) != e.getValue()) return null;
        long[] v = new long[4 * slots];
        System.arraycopy(constants, 0, v, 0, constants.length);
        int at = constants.length;
        for (String s : signature.keySet()) {
            long[] limbs = in.limbs(s);
            for (int i = 0; i < limbs.length; i += 4, at += 4) F.toMontgomery(limbs, i, v, at);
        }
        long[] tmp = new long[12];
        try {
            for (int i = 0; i < op.length; i++) {
                if (!apply(op[i], v, dst[i] << 2, a[i] << 2, b[i] << 2, tmp)) return null;
            }
            long[] w = new long[4 * outputs.length];
            for (int i = 0; i < outputs.length; i++) F.fromMontgomery(v, outputs[i] << 2, w, 4 * i);
            return w;
        } finally {
            Arrays.fill(v, 0L);
            Arrays.fill(tmp, 0L);
        }
    }

    /**
     * One operation on the Montgomery values in {@code v} at offsets {@code d}, {@code x}, {@code y} (the recorder's
     * check and the replay share it). False: a guard failed, or an operand the operation is not defined for here.
     */
    static boolean apply(byte op, long[] v, int d, int x, int y, long[] tmp) {
        switch (op) {
            case ADD -> F.add(v, x, v, y, v, d);
            case SUB -> F.sub(v, x, v, y, v, d);
            case MUL -> F.mul(v, x, v, y, v, d);
            case NEG -> F.neg(v, x, v, d);
            case DIV -> {
                if (Field.isZero(v, y)) return false;
                F.inverse(v, y, tmp, 0);
                F.mul(v, x, tmp, 0, v, d);
            }
            case INV -> {
                if (Field.isZero(v, x)) return false;
                F.inverse(v, x, v, d);
            }
            case EQ -> bool(Field.equal(v, x, v, y), v, d);
            case NEQ -> bool(!Field.equal(v, x, v, y), v, d);
            case LT, GT, LEQ, GEQ -> {
                F.fromMontgomery(v, x, tmp, 0);
                F.fromMontgomery(v, y, tmp, 4);
                int c = signedCompare(tmp, 0, tmp, 4);
                bool(switch (op) {
                    case LT -> c < 0;
                    case GT -> c > 0;
                    case LEQ -> c <= 0;
                    default -> c >= 0;
                }, v, d);
            }
            case SHR -> {
                // x >> k for a constant k in [0, 253] (the recorder refuses any other): the standard representative shifted
                F.fromMontgomery(v, y, tmp, 4);
                int k = (int) tmp[4];
                F.fromMontgomery(v, x, tmp, 0);
                int w = k >>> 6, s = k & 63;
                for (int i = 0; i < 4; i++) {
                    long lo = i + w < 4 ? tmp[i + w] : 0, hi = i + w + 1 < 4 ? tmp[i + w + 1] : 0;
                    tmp[8 + i] = s == 0 ? lo : (lo >>> s) | (hi << (64 - s));
                }
                F.toMontgomery(tmp, 8, v, d);
            }
            case BAND -> {
                F.fromMontgomery(v, x, tmp, 0);
                F.fromMontgomery(v, y, tmp, 4);
                for (int i = 0; i < 4; i++) tmp[8 + i] = tmp[i] & tmp[4 + i];
                F.toMontgomery(tmp, 8, v, d);
            }
            case IS_TRUE -> { return !Field.isZero(v, x); }
            case IS_FALSE -> { return Field.isZero(v, x); }
            default -> throw new IllegalStateException("operation " + op);
        }
        return true;
    }

    private static void bool(boolean t, long[] v, int d) {
        if (t) Field.copy(ONE, 0, v, d);
        else Field.setZero(v, d);
    }

    /** circom's order on field elements: values above (p − 1)/2 are negative (x − p). */
    static int signedCompare(long[] x, int xi, long[] y, int yi) {
        boolean nx = unsignedCompare(x, xi, HALF, 0) > 0, ny = unsignedCompare(y, yi, HALF, 0) > 0;
        if (nx != ny) return nx ? -1 : 1;
        return unsignedCompare(x, xi, y, yi);
    }

    private static int unsignedCompare(long[] x, int xi, long[] y, int yi) {
        for (int i = 3; i >= 0; i--) {
            int c = Long.compareUnsigned(x[xi + i], y[yi + i]);
            if (c != 0) return c;
        }
        return 0;
    }
}
