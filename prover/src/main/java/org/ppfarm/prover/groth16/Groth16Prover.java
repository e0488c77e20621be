package org.ppfarm.prover.groth16;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.function.LongSupplier;
import org.ppfarm.prover.CpuKernels;
import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.ntt.CpuNttBackend;
import org.ppfarm.prover.ntt.NttBackend;

/**
 * The Groth16 prover for BN254, computing exactly what snarkjs's groth16_prove.js and rapidsnark compute, so its
 * proofs verify against the same keys (snarkjs, the Solidity verifier, {@link Verifier}).
 *
 * <p>{@link #prove(ProvingKey, Witness, long[], long[])} reads top to bottom like the protocol ({@code proveAll}):
 * <ol>
 *   <li>MSMs over all signals: A and B1 (G1) and B2 (G2); they need only the witness, so they start first and
 *       overlap the next two steps;</li>
 *   <li>evaluate the QAP on the domain: A(ω^i) = Σ_j A_ij w_j, B(ω^i) likewise, C(ω^i) = A(ω^i)·B(ω^i);</li>
 *   <li>H's evaluations on the odd coset: A·B − C there (the division by Z is folded into the key's H points);</li>
 *   <li>the MSM of C over the private signals plus H over the domain as one G1 MSM (the key stores their points
 *       side by side; one MSM of n + m points beats two);</li>
 *   <li>blind with random r, s: π_A = α + A + rδ, π_B = β + B2 + sδ,
 *       π_C = C + H + s·π_A + r·(β₁ + B1 + sδ₁) − rs·δ₁ = C + H + s·(α₁ + A) + r·(β₁ + B1) + rs·δ₁. The terms that
 *       need only r, s and the key start with the MSMs, those that need A, B1 and B2 follow them, so that after
 *       the MSM over C and H only one addition is left (the constant-time scalar multiplications took ~3.7 ms
 *       on one thread after the last MSM of a 2^11 proof).</li>
 * </ol>
 * MSM and NTT run behind {@link MsmBackend} and {@link NttBackend}, so a GPU backend plugs in here unchanged.
 * {@link #proveBatch} runs the same steps for k witnesses of one key: steps 2–3 and 5 per witness, each MSM once
 * for all k ({@link MsmBackend#msmBatch}); one proof is the batch of one, so the two paths cannot drift apart. A, B1
 * and B2 go to the backend as one {@link MsmBackend#msmShared} call (they share the witness's digits and sort on a
 * GPU), except when a {@link Trace} times them one by one.
 *
 * <p>Thread-safe: a prover holds only its backends; any number of proofs may run at once, on one key or many.
 * The witness is read, never kept; scratch copies of witness-derived values are zeroed before returning.
 */
public final class Groth16Prover {
    /** Stages timed by a {@link Trace} (they overlap: the witness MSMs run during the quotient). */
    public enum Stage { ABC, QUOTIENT, MSM_A, MSM_B1, MSM_B2, MSM_CH, ASSEMBLE }

    /**
     * Per-stage times of one proof, in nanoseconds; pass one to {@link #prove(ProvingKey, Witness, Trace)}. Wall
     * time always; CPU time when constructed with a clock (e.g. the process's CPU time), which is meaningful per
     * stage only when stages do not overlap ({@link #withOverlap}(false)) and is what a shared machine distorts least.
     */
    public static final class Trace {
        private final LongSupplier cpuClock;
        private final long[] wall = new long[Stage.values().length], cpu = new long[Stage.values().length];

        public Trace() { this(null); }

        public Trace(LongSupplier cpuClock) { this.cpuClock = cpuClock; }

        long cpuNow() { return cpuClock == null ? 0 : cpuClock.getAsLong(); }

        synchronized void add(Stage s, long wallNanos, long cpuNanos) {
            wall[s.ordinal()] += wallNanos;
            cpu[s.ordinal()] += cpuNanos;
        }

        public synchronized long nanos(Stage s) { return wall[s.ordinal()]; }

        /** CPU nanoseconds by the clock given at construction (0 without one). */
        public synchronized long cpuNanos(Stage s) { return cpu[s.ordinal()]; }
    }

    private static final Field FR = Field.FR;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final class Cpu {
        static final Groth16Prover INSTANCE = new Groth16Prover(new CpuMsm(), new CpuNttBackend());
    }

    private final MsmBackend msm;
    private final NttBackend ntt;
    private final boolean overlap;

    public Groth16Prover(MsmBackend msm, NttBackend ntt) { this(msm, ntt, true); }

    private Groth16Prover(MsmBackend msm, NttBackend ntt, boolean overlap) {
        this.msm = Objects.requireNonNull(msm, "msm");
        this.ntt = Objects.requireNonNull(ntt, "ntt");
        this.overlap = overlap;
    }

    /**
     * The CPU prover (all cores), shared: it holds no per-proof state. Its kernels and MSM table budget are the
     * command-line tools' JVM settings ({@link CpuKernels#PROPERTY}, {@link CpuMsm#TABLE_BYTES_PROPERTY}); a server
     * passes its own configuration to {@link #cpu(CpuKernels, long)}.
     */
    public static Groth16Prover cpu() { return Cpu.INSTANCE; }

    /**
     * A CPU prover on the shared MSM pool with the given kernels, building fixed-base tables for resident keys
     * within {@code msmTableBudgetBytes} (0: none).
     */
    public static Groth16Prover cpu(CpuKernels kernels, long msmTableBudgetBytes) {
        return new Groth16Prover(new CpuMsm(CpuMsm.sharedPool(), kernels.msm(), msmTableBudgetBytes, 0), new CpuNttBackend(kernels.ntt()));
    }

    /**
     * This prover with the witness MSMs overlapping the quotient (the default, fastest) or run after it, so that
     * a {@link Trace}'s stage times add up to the total (for benchmarks).
     */
    public Groth16Prover withOverlap(boolean overlapWitnessMsms) {
        return overlapWitnessMsms == overlap ? this : new Groth16Prover(msm, ntt, overlapWitnessMsms);
    }

    public MsmBackend msm() { return msm; }
    public NttBackend ntt() { return ntt; }

    /** Proves with fresh blinding factors r, s drawn from {@link SecureRandom}. */
    public ProofResult prove(ProvingKey pk, Witness witness) {
        return prove(pk, witness, (Trace) null);
    }

    /** As {@link #prove(ProvingKey, Witness)}, recording stage times into {@code trace} if not null. */
    public ProofResult prove(ProvingKey pk, Witness witness, Trace trace) {
        long[] r = randomScalar(), s = randomScalar();
        try {
            return prove(pk, witness, r, s, trace);
        } finally {
            Arrays.fill(r, 0L);
            Arrays.fill(s, 0L);
        }
    }

    /**
     * Proves with fresh r, s and checks the proof against the key's own verification key before returning it: the
     * farm's entry point, so no proof leaves unverified. A witness that does not satisfy the circuit yields a
     * proof that fails this check and raises {@link ProofRejectedException} instead.
     */
    public ProofResult proveAndVerify(ProvingKey pk, Witness witness) {
        ProofResult result = prove(pk, witness);
        if (!Verifier.verify(pk.preparedVerifyingKey(), result.publicSignals(), result.proof()))
            throw new ProofRejectedException("the proof from " + pk.source()
                    + " does not verify: the witness does not satisfy the circuit (or belongs to another circuit)");
        return result;
    }

    /** Proves with the given blinding factors (standard-form Fr, 4 limbs, below r): deterministic, for tests. */
    public ProofResult prove(ProvingKey pk, Witness witness, long[] r, long[] s) {
        return prove(pk, witness, r, s, null);
    }

    /** As {@link #prove(ProvingKey, Witness, long[], long[])}, recording stage times into {@code trace} if not null. */
    public ProofResult prove(ProvingKey pk, Witness witness, long[] r, long[] s, Trace trace) {
        return proveAll(pk, List.of(witness), new long[][] {r}, new long[][] {s}, trace).getFirst();
    }

    /**
     * Proves several witnesses of one key together, with fresh r, s for each: the throughput path of a worker that
     * has several jobs of one circuit at hand. Each witness gets its own QAP evaluations and quotient, as in
     * {@link #prove(ProvingKey, Witness)}; each MSM runs once for all of them through {@link MsmBackend#msmBatch},
     * which a backend may serve in one pass over the bases. The proofs are exactly those {@link #prove} makes for
     * the same r and s. Nothing is verified here: a caller checks each proof on its own, so that a witness that does
     * not satisfy the circuit fails alone ({@link #proveAndVerify} does it for one).
     *
     * @throws WitnessMismatchException naming the first witness (by position) that does not fit the key, before
     *         anything is proved: check each one with {@link #checkWitness} first to keep a batch from failing whole
     */
    public List<ProofResult> proveBatch(ProvingKey pk, List<Witness> witnesses) {
        int k = witnesses.size();
        long[][] r = new long[k][], s = new long[k][];
        for (int i = 0; i < k; i++) {
            r[i] = randomScalar();
            s[i] = randomScalar();
        }
        try {
            return proveAll(pk, witnesses, r, s, null);
        } finally {
            for (int i = 0; i < k; i++) {
                Arrays.fill(r[i], 0L);
                Arrays.fill(s[i], 0L);
            }
        }
    }

    /** As {@link #proveBatch(ProvingKey, List)} with the given blinding factors, r[i] and s[i] for witness i: for tests. */
    public List<ProofResult> proveBatch(ProvingKey pk, List<Witness> witnesses, long[][] r, long[][] s, Trace trace) {
        if (r.length != witnesses.size() || s.length != witnesses.size())
            throw new IllegalArgumentException("a batch of " + witnesses.size() + " witnesses needs as many r and s, got " + r.length + " and " + s.length);
        return proveAll(pk, witnesses, r, s, trace);
    }

    /** The protocol for k ≥ 1 witnesses of one key: k = 1 is {@link #prove}, more is {@link #proveBatch}. */
    private List<ProofResult> proveAll(ProvingKey pk, List<Witness> witnesses, long[][] r, long[][] s, Trace trace) {
        final int k = witnesses.size();
        if (k == 0) return List.of();
        for (int i = 0; i < k; i++) {
            try {
                checkWitness(pk, witnesses.get(i));
            } catch (WitnessMismatchException e) {
                throw k == 1 ? e : new WitnessMismatchException("batch member " + i + ": " + e.getMessage());
            }
            if (!FR.isCanonical(r[i], 0) || !FR.isCanonical(s[i], 0)) throw new IllegalArgumentException("r and s must be below the scalar field modulus");
        }
        final int n = pk.domainSize(), nPublic = pk.nPublic();
        final long[][] w = new long[k][];
        for (int i = 0; i < k; i++) w[i] = witnesses.get(i).limbs();
        ProvingKey.Bases bases = pk.bases(msm);

        // 5a. the blinding terms that need only the key and r, s (most of the assembly's scalar multiplications):
        // on the common pool now, beside everything else; whoever needs them first runs them if the pool has not
        final KeyTerms[] keyTerms = new KeyTerms[k];
        FutureTask<Void> keyBlinding = new FutureTask<>(CpuTime.wrap(() -> timed(trace, Stage.ASSEMBLE, () -> {
            for (int i = 0; i < k; i++) keyTerms[i] = KeyTerms.of(pk, r[i], s[i]);
        })), null);
        if (overlap) ForkJoinPool.commonPool().execute(keyBlinding);

        // 1. the MSMs over all signals need only the witnesses: start them now, overlapping the QAP and the quotient;
        // 5b. then, still beside the MSM over C and H, π_A, π_B and what π_C takes from A and B1
        long[][] msmA = new long[k][G1.AFFINE], msmB1 = new long[k][G1.AFFINE], msmB2 = new long[k][G2.AFFINE];
        final Blinded[] blinded = new Blinded[k];
        // (a thread of its own, not a fork-join task: it mostly waits for the backend, which brings its own workers;
        // a platform one, so its CPU is measured and charged to the proof, before the task completes: CpuTime)
        FutureTask<Void> witnessMsms = new FutureTask<>(CpuTime.wrap(() -> {
            if (trace == null) {   // one call: a backend may share the witness's own MSM work among the three
                msm.msmShared(List.of(bases.b2(), bases.a(), bases.b1()), w, new long[][][] {msmB2, msmA, msmB1});
            } else {   // traced: each timed on its own
                timed(trace, Stage.MSM_B2, () -> msm.msmBatch(bases.b2(), w, msmB2));
                timed(trace, Stage.MSM_A, () -> msm.msmBatch(bases.a(), w, msmA));
                timed(trace, Stage.MSM_B1, () -> msm.msmBatch(bases.b1(), w, msmB1));
            }
            keyBlinding.run();   // a no-op once the pool has started it
            await(keyBlinding);
            timed(trace, Stage.ASSEMBLE, () -> {
                for (int i = 0; i < k; i++) blinded[i] = Blinded.of(pk, r[i], s[i], keyTerms[i], msmA[i], msmB1[i], msmB2[i]);
            });
        }), null);
        if (overlap) Thread.ofPlatform().daemon().name("groth16-witness-msms").start(witnessMsms);

        // scalars of the C and H MSMs side by side, as their bases are: C + H is one MSM (cheaper than two)
        final int nC = pk.nVars() - nPublic - 1;
        long[][] ch = new long[k][];
        long[][] msmCH = new long[k][G1.AFFINE];
        try {
            for (int i = 0; i < k; i++) {
                long[] chi = ch[i] = new long[4 * (nC + n)];
                System.arraycopy(w[i], 4 * (nPublic + 1), chi, 0, 4 * nC);
                // 2. QAP evaluations on the domain (Montgomery form): A·w and B·w row by row, C = A·B pointwise
                long[] t0 = mark(trace);
                long[] a = evaluate(pk.a(), w[i], n), b = evaluate(pk.b(), w[i], n), c = new long[4 * n];
                try {
                    Parallel.forRange(n, 4096, (from, to) -> {
                        for (int j = from; j < to; j++) FR.mul(a, 4 * j, b, 4 * j, c, 4 * j);
                    });
                    time(trace, Stage.ABC, t0);
                    // 3. H = (A·B − C) on the odd coset, as standard-form scalars after C's
                    long[] t1 = mark(trace);
                    long[] h = ntt.quotientOnOddCoset(a, b, c, pk.domainLog());
                    Parallel.forRange(n, 4096, (from, to) -> {
                        for (int j = from; j < to; j++) FR.fromMontgomery(h, 4 * j, chi, 4 * (nC + j));
                    });
                    time(trace, Stage.QUOTIENT, t1);
                } finally {
                    // zero what is derived from the witness as soon as it is used
                    Arrays.fill(a, 0L);
                    Arrays.fill(b, 0L);
                    Arrays.fill(c, 0L);
                }
            }
            // 4. Σ w_i C_i + Σ h_j H_j: full-size scalars over the private signals and the domain
            timed(trace, Stage.MSM_CH, () -> msm.msmBatch(bases.ch(), ch, msmCH));
            if (!overlap) witnessMsms.run();
            await(witnessMsms);

            // 5c. π_C = C + H + the rest, per witness
            long[] t0 = mark(trace);
            List<ProofResult> proofs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) proofs.add(blinded[i].proof(pk, w[i], msmCH[i]));
            time(trace, Stage.ASSEMBLE, t0);
            return proofs;
        } finally {
            // zero what is derived from the witness and the blinding factors once the tasks reading it are done
            if (overlap || witnessMsms.isDone()) awaitQuietly(witnessMsms);
            if (overlap || keyBlinding.isDone()) awaitQuietly(keyBlinding);
            for (long[] chi : ch) if (chi != null) Arrays.fill(chi, 0L);
            for (KeyTerms t : keyTerms) if (t != null) t.wipe();
            for (Blinded b : blinded) if (b != null) b.wipe();
        }
    }

    /**
     * The blinding terms of one proof that need only the key and r, s (Jacobian): α₁ + r·δ₁, β₂ + s·δ₂ and rs·δ₁.
     * Three of the five constant-time scalar multiplications of the assembly, so they run beside the MSMs.
     */
    private record KeyTerms(long[] alphaRDelta, long[] betaSDelta, long[] rsDelta) {
        static KeyTerms of(ProvingKey pk, long[] r, long[] s) {
            G1 g1 = new G1();
            G2 g2 = new G2();
            long[] alphaRDelta = g1.jacobianOf(pk.alpha1());
            addScaled(g1, alphaRDelta, pk.delta1(), r);
            long[] betaSDelta = g2.jacobianOf(pk.beta2());
            addScaled(g2, betaSDelta, pk.delta2(), s);
            // r·s as a standard-form scalar
            long[] rm = new long[4], sm = new long[4], rs = new long[4];
            FR.toMontgomery(r, 0, rm, 0);
            FR.toMontgomery(s, 0, sm, 0);
            FR.mul(rm, 0, sm, 0, rm, 0);
            FR.fromMontgomery(rm, 0, rs, 0);
            long[] rsDelta = new long[G1.JACOBIAN];
            SecretScalarMul.mul(g1, g1.jacobianOf(pk.delta1()), rs, rsDelta);
            for (long[] v : new long[][] {rm, sm, rs}) Arrays.fill(v, 0L);
            return new KeyTerms(alphaRDelta, betaSDelta, rsDelta);
        }

        void wipe() {
            for (long[] v : new long[][] {alphaRDelta, betaSDelta, rsDelta}) Arrays.fill(v, 0L);
        }
    }

    /**
     * π_A = α + A + rδ and π_B = β + B2 + sδ (affine), and what π_C needs besides the MSM over C and H. The
     * protocol's π_C = C + H + s·π_A + r·(β₁ + B1 + sδ₁) − rs·δ₁ expands to C + H + s·(α₁ + A) + r·(β₁ + B1) +
     * rs·δ₁: the same point with one scalar multiplication fewer, and all but C + H known once A and B1 are.
     */
    private record Blinded(long[] piA, long[] piB, long[] restOfC) {
        static Blinded of(ProvingKey pk, long[] r, long[] s, KeyTerms keyTerms, long[] msmA, long[] msmB1, long[] msmB2) {
            G1 g1 = new G1();
            G2 g2 = new G2();
            long[] piA = keyTerms.alphaRDelta().clone();
            addAffine(g1, piA, msmA);
            long[] piB = keyTerms.betaSDelta().clone();
            addAffine(g2, piB, msmB2);

            long[] alphaA = g1.jacobianOf(pk.alpha1()), betaB1 = g1.jacobianOf(pk.beta1());
            addAffine(g1, alphaA, msmA);
            addAffine(g1, betaB1, msmB1);
            long[] rest = keyTerms.rsDelta().clone(), term = new long[G1.JACOBIAN];
            SecretScalarMul.mul(g1, alphaA, s, term);
            g1.add(rest, 0, term, 0, rest, 0);
            SecretScalarMul.mul(g1, betaB1, r, term);
            g1.add(rest, 0, term, 0, rest, 0);
            Blinded b = new Blinded(g1.affineOf(piA), g2.affineOf(piB), rest);
            for (long[] v : new long[][] {piA, piB, alphaA, betaB1, term}) Arrays.fill(v, 0L);
            return b;
        }

        /** The proof, given the MSM over C and H. */
        ProofResult proof(ProvingKey pk, long[] w, long[] msmCH) {
            G1 g1 = new G1();
            long[] piC = restOfC.clone();
            addAffine(g1, piC, msmCH);
            ProofResult proof = new ProofResult(Proof.of(piA, piB, g1.affineOf(piC)), PublicSignals.ofStandardLimbs(w, 4, pk.nPublic()));
            Arrays.fill(piC, 0L);
            return proof;
        }

        void wipe() {
            for (long[] v : new long[][] {piA, piB, restOfC}) Arrays.fill(v, 0L);
        }
    }

    /**
     * The witness must be for this key: as many signals as the key's nVars, and signal 0 the constant 1.
     *
     * @throws WitnessMismatchException saying which
     */
    public static void checkWitness(ProvingKey pk, Witness w) {
        if (w.size() != pk.nVars())
            throw new WitnessMismatchException("witness has " + w.size() + " signals but " + pk.source() + " expects nVars=" + pk.nVars());
        long[] l = w.limbs();
        if (l[0] != 1 || l[1] != 0 || l[2] != 0 || l[3] != 0)
            throw new WitnessMismatchException("witness signal 0 must be the constant 1");
    }

    /** Row-wise Σ_j M_ij w_j over the domain: one independent accumulation per constraint, split over the cores. */
    private static long[] evaluate(ProvingKey.Matrix m, long[] w, int n) {
        long[] out = new long[4 * n];
        int[] rowStart = m.rowStart(), signal = m.signal();
        long[] coef = m.coef();
        Parallel.forRange(n, 4096, (from, to) -> {
            long[] t = new long[4];
            for (int row = from; row < to; row++) {
                for (int k = rowStart[row], end = rowStart[row + 1]; k < end; k++) {
                    // coef holds c·R², w_j is standard: the Montgomery product is c·w_j in Montgomery form
                    FR.mul(coef, 4 * k, w, 4 * signal[k], t, 0);
                    FR.add(out, 4 * row, t, 0, out, 4 * row);
                }
            }
            Arrays.fill(t, 0L);
        });
        return out;
    }

    private static void addAffine(Curve c, long[] jacobian, long[] affine) {
        if (!c.isInfinityAffine(affine, 0)) c.addMixed(jacobian, 0, affine, 0, jacobian, 0);
    }

    private static void addScaled(Curve c, long[] acc, long[] affine, long[] k) {
        long[] t = new long[c.jacobianLongs];
        SecretScalarMul.mul(c, c.jacobianOf(affine), k, t);
        c.add(acc, 0, t, 0, acc, 0);
    }

    /** Uniform in [0, r) by rejection sampling 254-bit values. */
    static long[] randomScalar() {
        long[] k = new long[4];
        do {
            for (int i = 0; i < 4; i++) k[i] = RANDOM.nextLong();
            k[3] &= (1L << 62) - 1;
        } while (!FR.isCanonical(k, 0));
        return k;
    }

    private static void await(FutureTask<Void> task) {
        try {
            task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while proving", e);
        }
    }

    /** Waits for {@code task} to end (its exception, if any, is someone else's to report): before wiping what it reads. */
    private static void awaitQuietly(FutureTask<Void> task) {
        boolean interrupted = false;
        while (true) {
            try {
                task.get();
                break;
            } catch (ExecutionException | CancellationException e) {
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Wall and CPU clocks now, or null when not tracing. */
    private static long[] mark(Trace trace) {
        return trace == null ? null : new long[] {System.nanoTime(), trace.cpuNow()};
    }

    private static void time(Trace trace, Stage stage, long[] mark) {
        if (trace != null) trace.add(stage, System.nanoTime() - mark[0], trace.cpuNow() - mark[1]);
    }

    private static void timed(Trace trace, Stage stage, Runnable body) {
        long[] mark = mark(trace);
        body.run();
        time(trace, stage, mark);
    }
}
