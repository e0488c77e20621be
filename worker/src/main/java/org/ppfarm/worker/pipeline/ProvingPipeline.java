package org.ppfarm.worker.pipeline;

import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.proto.v1.InputKind;

import java.nio.file.Path;
import java.util.List;

/**
 * The worker's proving seam: witness → prove → verify for one circuit, whose proving key and compiled witness
 * calculator stay resident between jobs. The worker knows nothing of how proofs are made; implementations know
 * nothing of Kafka. Every proof an implementation returns has passed verification against the circuit's key.
 */
public interface ProvingPipeline {

    /** Creates pipelines; a worker is built with one (production: {@link EnginePipeline.Factory}). */
    interface Factory {
        /** Loads a circuit once (parse the zkey, compile the wasm); the result serves many concurrent jobs. */
        ProvingPipeline load(CircuitFiles files) throws Exception;

        /** The backend proofs are made on, reported with each result ("cpu-native", "cpu", "cuda:0", ...). */
        String backend();

        /**
         * The prover every pipeline proves and verifies through, for the worker's metrics (its GPU's health if it has
         * one, its verification failures), or null when the pipelines make no proofs of their own (cached proofs).
         */
        default GpuFallbackProver prover() { return null; }
    }

    /** The local, hash-checked files of a circuit. {@code vkey} may be null (then it comes from the zkey). */
    record CircuitFiles(String name, Path zkey, Path wasm, Path vkey) {}

    /**
     * Proves one job. {@code input} is circuit-input JSON or a .wtns, per {@code kind}; the caller zeroizes it after
     * the call. Throws {@link JobInputException} for input the circuit rejects (the job fails, it is not retried).
     */
    Output prove(InputKind kind, byte[] input) throws JobInputException, Exception;

    /** Releases resident keys. */
    default void close() {}

    /**
     * A verified proof (the pipeline's output): snarkjs JSON, raw elements (32-byte big-endian), Solidity calldata,
     * stage times (wall clock) and the CPU the operating system measured for them (what usage is billed in).
     *
     * @param proofElements   pi_a (x, y), pi_b (x.c0, x.c1, y.c0, y.c1), pi_c (x, y)
     * @param proveWaitNanos  from the witness being ready to a proving slot being granted (the worker's
     *                        {@code worker.proving.slots} all busy with other jobs' proofs; a batched job's until its
     *                        batch got one); 0 where nothing was waited for
     * @param witnessCpuNanos the witness computation's CPU time (0 where not measured)
     * @param proveCpuNanos   proving's and verification's CPU time over every thread that worked on the proof; a
     *                        batched proof's even share of its batch's (0 where not measured)
     */
    record Output(String proofJson, String publicJson, List<byte[]> proofElements, List<byte[]> publicSignals,
                 String calldata, long witnessNanos, long proveWaitNanos, long proveNanos, long verifyNanos, long witnessCpuNanos,
                 long proveCpuNanos) {}

    /** The job's input cannot be proved (malformed, wrong shape, out of range, a circuit assertion fails). */
    final class JobInputException extends Exception {
        public JobInputException(String message) { super(message, null, false, false); }
    }
}
