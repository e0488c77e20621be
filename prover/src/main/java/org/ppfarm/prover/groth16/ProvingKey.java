package org.ppfarm.prover.groth16;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * A Groth16 proving key for BN254, resident in memory: what a snarkjs {@code .zkey} holds, parsed once
 * ({@link org.ppfarm.prover.format.ZkeyFile#read}) and then shared by any number of concurrent proofs.
 *
 * <p>Layout (flat longs, points exactly as the file stores them: affine, Montgomery-form Fq, the point at infinity
 * all zeros, G1 = 8 longs, G2 = 16 longs; the MSM bases in {@link MemorySegment}s, the rest in {@code long[]}):
 * <pre>
 *   alpha1, beta1, delta1 : G1        beta2, gamma2, delta2 : G2
 *   ic     : G1 x (nPublic + 1)       IC_i, for the verification key
 *   pointsA, pointsB1 : G1 x nVars    pointsB2 : G2 x nVars
 *   pointsCH: G1 x (nVars - nPublic - 1 + domainSize): first C, point k for signal nPublic + 1 + k,
 *             then H from {@link #hOffset()} — contiguous because the prover sums both in one MSM
 *   a, b   : the QAP's A and B matrices by row (constraint), see {@link Matrix}
 * </pre>
 *
 * <p>The MSM bases (~90 % of a key: 384 MB at 2^20 constraints) are held once, where the MSM reads them:
 * {@link org.ppfarm.prover.format.ZkeyFile#read} puts them in the CPU kernel's
 * {@link org.ppfarm.prover.msm.BucketKernel#basesMemory memory} (native memory for the native kernel, which then
 * reads them in place; heap arrays for the Java one), and a GPU backend uploads them from there.
 *
 * <p>Thread safety: immutable after construction; accessors return the internal arrays and segments, which
 * callers must not modify. {@link #bases} prepares the MSM base sets once per backend (for a GPU: uploads them)
 * and caches them until {@link #close}; {@link #precompute} also builds what a backend keeps per base set (the CPU
 * backend's fixed-base tables, which it otherwise builds when a key proves a second time).
 */
public final class ProvingKey implements AutoCloseable {
    /**
     * One QAP matrix in compressed-row form: row (constraint) c holds entries {@code rowStart[c] ≤ k < rowStart[c+1]},
     * entry k multiplying signal {@code signal[k]} by {@code coef[4k..4k+3]}. Coefficients are kept as the zkey
     * stores them, c·R² mod r ("Montgomery of Montgomery"), so one Montgomery product with a standard-form witness
     * value yields c·w in Montgomery form.
     */
    public record Matrix(int[] rowStart, int[] signal, long[] coef) {
        public int rows() { return rowStart.length - 1; }
        public int entries() { return signal.length; }
    }

    /** The base sets of one backend, prepared once: A, B1, B2 over all signals, and C then H as one set. */
    public record Bases(MsmBackend.Bases a, MsmBackend.Bases b1, MsmBackend.Bases b2, MsmBackend.Bases ch) {
        void close() {
            a.close(); b1.close(); b2.close(); ch.close();
        }
    }

    private final String source;
    private final int nVars, nPublic, domainSize, domainLog;
    private final long[] alpha1, beta1, delta1, beta2, gamma2, delta2, ic;
    private final Matrix a, b;
    private final MemorySegment pointsA, pointsB1, pointsB2, pointsCH;
    private final Map<MsmBackend, Bases> prepared = new IdentityHashMap<>();
    private boolean closed;
    private volatile PreparedVerifyingKey preparedVerifyingKey;

    /** Assembles a key from validated parts, its MSM bases in heap arrays (the development setup builds them so). */
    public ProvingKey(String source, int nVars, int nPublic, int domainSize,
                      long[] alpha1, long[] beta1, long[] beta2, long[] gamma2, long[] delta1, long[] delta2,
                      long[] ic, Matrix a, Matrix b,
                      long[] pointsA, long[] pointsB1, long[] pointsB2, long[] pointsCH) {
        this(source, nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2, ic, a, b,
                MemorySegment.ofArray(pointsA), MemorySegment.ofArray(pointsB1), MemorySegment.ofArray(pointsB2),
                MemorySegment.ofArray(pointsCH));
    }

    /**
     * Assembles a key from validated parts, its MSM bases in segments the key keeps (not copies);
     * {@link org.ppfarm.prover.format.ZkeyFile} is the usual caller.
     */
    public ProvingKey(String source, int nVars, int nPublic, int domainSize,
                      long[] alpha1, long[] beta1, long[] beta2, long[] gamma2, long[] delta1, long[] delta2,
                      long[] ic, Matrix a, Matrix b,
                      MemorySegment pointsA, MemorySegment pointsB1, MemorySegment pointsB2, MemorySegment pointsCH) {
        if (Integer.bitCount(domainSize) != 1) throw new IllegalArgumentException("domain size " + domainSize + " is not a power of two");
        if (nPublic + 1 > nVars) throw new IllegalArgumentException("nPublic " + nPublic + " leaves no room in nVars " + nVars);
        requireLength("alpha1", alpha1, 8);
        requireLength("beta1", beta1, 8);
        requireLength("delta1", delta1, 8);
        requireLength("beta2", beta2, 16);
        requireLength("gamma2", gamma2, 16);
        requireLength("delta2", delta2, 16);
        requireLength("ic", ic, 8L * (nPublic + 1));
        requireLength("pointsA", pointsA, 8L * nVars);
        requireLength("pointsB1", pointsB1, 8L * nVars);
        requireLength("pointsB2", pointsB2, 16L * nVars);
        requireLength("pointsCH", pointsCH, 8L * (nVars - nPublic - 1 + (long) domainSize));
        if (a.rows() != domainSize || b.rows() != domainSize) throw new IllegalArgumentException("matrices must have domainSize rows");
        this.source = source;
        this.nVars = nVars;
        this.nPublic = nPublic;
        this.domainSize = domainSize;
        this.domainLog = Integer.numberOfTrailingZeros(domainSize);
        this.alpha1 = alpha1;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.gamma2 = gamma2;
        this.delta1 = delta1;
        this.delta2 = delta2;
        this.ic = ic;
        this.a = a;
        this.b = b;
        this.pointsA = pointsA;
        this.pointsB1 = pointsB1;
        this.pointsB2 = pointsB2;
        this.pointsCH = pointsCH;
    }

    private static void requireLength(String name, long[] v, long expected) {
        if (v.length != expected) throw new IllegalArgumentException(name + " has " + v.length + " longs, expected " + expected);
    }

    private static void requireLength(String name, MemorySegment v, long expected) {
        if (v.byteSize() != 8 * expected) throw new IllegalArgumentException(name + " has " + v.byteSize() + " bytes, expected " + 8 * expected);
    }

    /** Where the key came from (a path), for messages. */
    public String source() { return source; }
    /** Signals in a full witness, including the constant 1 at index 0. */
    public int nVars() { return nVars; }
    /** Public signals (outputs then public inputs), not counting the constant 1. */
    public int nPublic() { return nPublic; }
    public int domainSize() { return domainSize; }
    public int domainLog() { return domainLog; }

    public long[] alpha1() { return alpha1; }
    public long[] beta1() { return beta1; }
    public long[] beta2() { return beta2; }
    public long[] gamma2() { return gamma2; }
    public long[] delta1() { return delta1; }
    public long[] delta2() { return delta2; }
    public long[] ic() { return ic; }
    public Matrix a() { return a; }
    public Matrix b() { return b; }
    /** A's points, 8 longs each, as the MSM reads them (heap or native memory; long index 0 at the start). */
    public MemorySegment pointsA() { return pointsA; }
    public MemorySegment pointsB1() { return pointsB1; }
    /** B2's points, 16 longs each. */
    public MemorySegment pointsB2() { return pointsB2; }
    /** C's points (signals nPublic + 1 ..) then H's (from {@link #hOffset()}), 8 longs each. */
    public MemorySegment pointsCH() { return pointsCH; }
    /** Where H's points start in {@link #pointsCH()}, in longs. */
    public int hOffset() { return 8 * (nVars - nPublic - 1); }

    /** The verification key this proving key embeds (α₁, β₂, γ₂, δ₂, IC), as {@code snarkjs zkey export verificationkey} derives it. */
    public VerificationKey verificationKey() {
        return VerificationKey.of(nPublic, alpha1, beta2, gamma2, delta2, ic, source);
    }

    /** {@link #verificationKey()} prepared for checking proofs (e(α, β) and the −γ, −δ lines), computed once. */
    public PreparedVerifyingKey preparedVerifyingKey() {
        PreparedVerifyingKey p = preparedVerifyingKey;
        if (p == null) preparedVerifyingKey = p = PreparedVerifyingKey.of(verificationKey());
        return p;
    }

    /** The MSM bases for {@code backend}, prepared on first use and kept until {@link #close}. */
    public synchronized Bases bases(MsmBackend backend) {
        if (closed) throw new IllegalStateException("proving key " + source + " is closed");
        Bases p = prepared.get(backend);
        if (p == null) {
            p = new Bases(
                    backend.prepare(Group.G1, pointsA, 0, nVars),
                    backend.prepare(Group.G1, pointsB1, 0, nVars),
                    backend.prepare(Group.G2, pointsB2, 0, nVars),
                    backend.prepare(Group.G1, pointsCH, 0, nVars - nPublic - 1 + domainSize));
            prepared.put(backend, p);
        }
        return p;
    }

    /**
     * Prepares this key's bases for {@code backend} and has it precompute whatever it keeps per base set
     * ({@link MsmBackend#precompute}; for the CPU backend the fixed-base tables: ~170 MB and ~22 s of CPU for the
     * withdraw key), so that no later proof pays for it: for a key that stays resident for many proofs.
     */
    public void precompute(MsmBackend backend) {
        Bases b = bases(backend);
        backend.precompute(b.ch());
        backend.precompute(b.b2());
        backend.precompute(b.a());
        backend.precompute(b.b1());
    }

    /** Releases every backend's prepared bases (GPU memory); the key cannot prove afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Bases p : prepared.values()) p.close();
        prepared.clear();
    }

    @Override
    public String toString() {
        return "ProvingKey[" + source + ": " + nVars + " signals, " + nPublic + " public, domain 2^" + domainLog + "]";
    }
}
