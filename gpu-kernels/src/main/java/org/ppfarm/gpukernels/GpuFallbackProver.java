package org.ppfarm.gpukernels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.ppfarm.prover.CpuTime;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.Verifier;

/**
 * Groth16 proving on a GPU backend with the CPU as the fallback, every proof checked by ppfarm's verifier before it
 * is returned. A GPU attempt fails when the kernels raise a {@link GpuException} (a CUDA error, a lost device, a
 * context broken by an earlier sticky error, the memory bound) or when its proof does not verify (points off the
 * curve included); the job is then
 * proved again on the CPU and the GPU is marked unhealthy, so later jobs go straight to the CPU until the process
 * restarts (a faulted device is not trusted again: a sticky CUDA error leaves its context unusable anyway).
 *
 * <p>A proof that fails verification blames the GPU only when the CPU's proof of the same witness verifies: a
 * witness that does not satisfy the circuit makes every backend's proof invalid, and is the input's fault, reported
 * as {@link Attempt#verified()} false with the GPU left healthy.
 *
 * <p>Every job whose proof fails verification (malformed included) is counted here once, by the backend blamed
 * ({@link #verificationFailures()}): the GPU when the CPU's proof of the same witness verifies (a fault, also counted
 * in {@link #faults()}), else the CPU (an unsatisfiable witness, or the CPU proving wrong).
 *
 * <p>Thread-safe: concurrent jobs share one instance; the first fault wins the unhealthy mark, every fault counts.
 */
public final class GpuFallbackProver {
    /**
     * One job's outcome.
     *
     * @param result      the proof and public signals (of the CPU when the GPU failed)
     * @param verified    whether {@code result} verifies; false only for a witness that does not satisfy the circuit
     * @param backend     the backend that made {@code result}
     * @param proveNanos  proving time, including a failed GPU attempt and its check
     * @param verifyNanos the final verification's time
     * @param gpuFault    why this job's GPU attempt failed (the caller logs it), or null
     * @param cpuNanos    CPU time the operating system measured for proving and verifying it (a failed GPU attempt
     *                    included), summed over every thread that worked on it ({@link CpuTime}); for a proof of a
     *                    CPU batch, the batch's CPU split evenly over its members (one key, one pass over its bases,
     *                    the same work per member up to the witness values)
     */
    public record Attempt(ProofResult result, boolean verified, String backend, long proveNanos, long verifyNanos,
                          String gpuFault, long cpuNanos) {
        Attempt(ProofResult result, boolean verified, String backend, long proveNanos, long verifyNanos, String gpuFault) {
            this(result, verified, backend, proveNanos, verifyNanos, gpuFault, 0);
        }

        Attempt withCpuNanos(long nanos) {
            return new Attempt(result, verified, backend, proveNanos, verifyNanos, gpuFault, nanos);
        }
    }

    private final Groth16Prover gpu;
    private final String gpuName;
    private final Groth16Prover cpu;
    private final String cpuName;
    private volatile boolean healthy;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong gpuRejected = new AtomicLong();
    private final AtomicLong cpuRejected = new AtomicLong();
    private final AtomicReference<String> lastFault = new AtomicReference<>("");

    /**
     * {@code gpu} proves first while healthy, {@code cpu} after a fault; the names are the backends' (e.g. "cuda:0",
     * "cpu-native"). {@code gpu} null: every job proves on the CPU (a worker without a device), still verified.
     */
    public GpuFallbackProver(Groth16Prover gpu, String gpuName, Groth16Prover cpu, String cpuName) {
        this.gpu = gpu;
        this.gpuName = gpuName;
        this.cpu = cpu;
        this.cpuName = cpuName;
        this.healthy = gpu != null;
    }

    /** Whether a GPU backend was given (its health is then worth reporting). */
    public boolean hasGpu() { return gpu != null; }

    /** The prover jobs go to first: the GPU's, or the CPU's without one. */
    public Groth16Prover primary() { return gpu != null ? gpu : cpu; }

    /**
     * Proves {@code witness} and verifies the proof, on the GPU while it is healthy and on the CPU otherwise or after
     * a GPU failure. Input errors ({@code PpfarmException} from the prover's own checks, not a {@link GpuException})
     * propagate unchanged.
     */
    public Attempt prove(ProvingKey pk, Witness witness) {
        CpuTime.Account cpuTime = new CpuTime.Account();
        return CpuTime.charged(cpuTime, () -> proveOne(pk, witness)).withCpuNanos(cpuTime.nanos());
    }

    private Attempt proveOne(ProvingKey pk, Witness witness) {
        long t0 = System.nanoTime();
        if (healthy) {
            String why;
            try {
                ProofResult r = gpu.prove(pk, witness);
                long t1 = System.nanoTime();
                if (gpuProofVerifies(pk, r))
                    return new Attempt(r, true, gpuName, t1 - t0, System.nanoTime() - t1, null);
                why = "its proof failed verification";
            } catch (GpuException e) {
                fault(e.getMessage());
                return onCpu(pk, witness, t0, e.getMessage());
            } catch (PpfarmException e) {
                // a malformed proof (a point off the curve), or the input's own error, which the CPU raises again
                why = "its proof was malformed (" + e.getMessage() + ")";
            }
            Attempt onCpu = onCpu(pk, witness, t0, null);
            if (!onCpu.verified()) return onCpu;   // the witness's fault, not the GPU's
            why += " and the CPU's proof of the same witness verified";
            gpuRejected.incrementAndGet();
            fault(why);
            return new Attempt(onCpu.result(), true, cpuName, onCpu.proveNanos(), onCpu.verifyNanos(), why);
        }
        return onCpu(pk, witness, t0, null);
    }

    /**
     * Proves several witnesses of one key and verifies each proof on its own, in order: on the CPU as one batch
     * ({@link Groth16Prover#proveBatch}), while a healthy GPU proves them one by one through {@link #prove} (its
     * batched MSM is not wired in yet). Each attempt's {@code proveNanos} is the whole batch's time, which its job
     * waited for, and its {@code cpuNanos} an even share of the whole batch's CPU (proving and every verification).
     * An unsatisfiable witness gives its own attempt {@code verified} false; the others are unaffected.
     * Input errors propagate as from {@link #prove}: check each witness first ({@link Groth16Prover#checkWitness}).
     */
    public List<Attempt> proveBatch(ProvingKey pk, List<Witness> witnesses) {
        List<Attempt> attempts = new ArrayList<>(witnesses.size());
        if (healthy) {
            for (Witness w : witnesses) attempts.add(prove(pk, w));
            return attempts;
        }
        CpuTime.Account cpuTime = new CpuTime.Account();
        CpuTime.charged(cpuTime, () -> {
            long t0 = System.nanoTime();
            List<ProofResult> proofs = cpu.proveBatch(pk, witnesses);
            long proveNanos = System.nanoTime() - t0;
            for (ProofResult r : proofs) {
                long t1 = System.nanoTime();
                boolean ok = Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof());
                if (!ok) cpuRejected.incrementAndGet();
                attempts.add(new Attempt(r, ok, cpuName, proveNanos, System.nanoTime() - t1, null));
            }
            return null;
        });
        long total = cpuTime.nanos(), k = attempts.size();
        for (int i = 0; i < k; i++) attempts.set(i, attempts.get(i).withCpuNanos(total / k + (i < total % k ? 1 : 0)));
        return attempts;
    }

    /** A faulty device can return points off the curve, which the verifier refuses as malformed: not valid either. */
    private static boolean gpuProofVerifies(ProvingKey pk, ProofResult r) {
        try {
            return Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof());
        } catch (FormatException e) {
            return false;
        }
    }

    private Attempt onCpu(ProvingKey pk, Witness witness, long t0, String gpuFault) {
        ProofResult r = cpu.prove(pk, witness);
        long t1 = System.nanoTime();
        boolean ok = Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof());
        if (!ok) cpuRejected.incrementAndGet();
        return new Attempt(r, ok, cpuName, t1 - t0, System.nanoTime() - t1, gpuFault);
    }

    private void fault(String why) {
        faults.incrementAndGet();
        lastFault.set(why);
        healthy = false;
    }

    /** False once the GPU has failed a job (and without a GPU); then every job proves on the CPU. */
    public boolean healthy() { return healthy; }

    /** GPU attempts that failed so far (each one's job was proved on the CPU). */
    public long faults() { return faults.get(); }

    /**
     * Jobs whose proof failed ppfarm's verification so far, by the name of the backend blamed (see the class
     * comment): the GPU's when there is one, and the CPU's (every backend listed, 0 included).
     */
    public Map<String, Long> verificationFailures() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (gpu != null) m.put(gpuName, gpuRejected.get());
        m.put(cpuName, cpuRejected.get());
        return m;
    }

    /** The last failure's reason, "" if none. */
    public String lastFault() { return lastFault.get(); }

    /** The backend jobs prove on now: the GPU's name while healthy, else the CPU's. */
    public String backend() { return healthy ? gpuName : cpuName; }
}
