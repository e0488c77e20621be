package org.ppfarm.coordinator.registry;

import org.ppfarm.coordinator.registry.CircuitRegistry.RegistrationException;
import org.ppfarm.prover.format.BinFile;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofRejectedException;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.WitnessMismatchException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.witness.WitnessCalculator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What registration checks before it stores a circuit: that its artifacts are one circuit's. The zkey is a BN254
 * Groth16 key; the wasm is a circom 2 witness calculator for BN254 whose witness has exactly the zkey's nVars values
 * (the prover refuses any other count, so a wasm of another circuit could only ever fail its jobs); a given vkey is
 * the zkey's own verification key. circom's wasm does not say which of its signals are public: the zkey's nPublic
 * is what the circuit records, and a vkey must agree with it.
 *
 * <p>Errors name the artifact (zkey, wasm, vkey) and what does not match, never the upload's temporary file.
 */
final class ArtifactChecks {
    private ArtifactChecks() {}

    /**
     * The wasm is only instantiated and asked for its sizes: interpreted (compiling it to bytecode is the workers'
     * business), no input names (no .sym is looked for beside the upload).
     */
    private static final WitnessCalculator.Options WASM = WitnessCalculator.Options.defaults().interpreted().withInputNames(List.of())
            .withMaxMemoryPages(ArtifactChecks.WASM_CHECK_PAGES);

    /**
     * Memory the registration's wasm check may use: 256 MiB, far above what a circom wasm declares (the 0xbow
     * withdraw circuit starts with 65 pages, ~4 MiB) and what its size exports touch.
     */
    static final int WASM_CHECK_PAGES = 4096;
    /**
     * CPU time the registration's wasm check may take: loading the 0xbow withdraw wasm takes about a second, and
     * circom's size exports answer in milliseconds. CPU time, not wall time: on a loaded coordinator a genuine wasm got
     * too little CPU to load within 10 s of wall time (FarmChaosTest, load average 28) and was refused as not circom.
     */
    static final Duration WASM_CHECK_TIME = Duration.ofSeconds(10);
    /** CPU time the sample input's witness may take (interpreted: the 0xbow withdraw circuit's takes a few seconds). */
    static final Duration SAMPLE_WITNESS_TIME = Duration.ofSeconds(60);
    /** However little CPU a check gets, it ends after this many times its CPU-time bound in wall time. */
    static final int WALL_TIME_FACTOR = 6;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The largest sample input: circuit inputs are a few KiB. */
    static final int SAMPLE_INPUT_MAX_BYTES = 1 << 20;
    /** One wasm check at a time: a burst of uploads cannot hold more than one check's memory. */
    private static final Semaphore WASM_CHECKS = new Semaphore(1);

    /**
     * snarkjs writes a verification key in well under 1 KiB per public signal plus a few KiB; a larger vkey is
     * refused before it is read.
     */
    private static long maxVkeyBytes(int nPublic) { return 4096L * (nPublic + 16); }

    /** Checks the uploaded files; returns the zkey's header. {@code vkey} may be null (none uploaded). */
    static ZkeyFile.Header check(Path zkey, Path wasm, Path vkey) throws RegistrationException {
        return check(zkey, wasm, vkey, null);
    }

    /**
     * As {@link #check(Path, Path, Path)}, and with a {@code sampleInput} (null or empty: none), proves it: its
     * witness computed by the wasm, a proof made with the zkey, verified with the zkey's verification key. The
     * input is wiped before return.
     */
    static ZkeyFile.Header check(Path zkey, Path wasm, Path vkey, byte[] sampleInput) throws RegistrationException {
        try {
            ZkeyFile.Header h = checkSizes(zkey, wasm, vkey, sampleInput);
            if (sampleInput != null && sampleInput.length > 0) proveSample(zkey, wasm, sampleInput);
            return h;
        } finally {
            if (sampleInput != null) java.util.Arrays.fill(sampleInput, (byte) 0);
        }
    }

    private static ZkeyFile.Header checkSizes(Path zkey, Path wasm, Path vkey, byte[] sampleInput) throws RegistrationException {
        if (sampleInput != null && sampleInput.length > SAMPLE_INPUT_MAX_BYTES)
            throw new RegistrationException("sample_input_json: " + sampleInput.length + " bytes, over the limit of " + SAMPLE_INPUT_MAX_BYTES);
        BinFile z;
        ZkeyFile.Header h;
        try {
            z = ZkeyFile.open("zkey", zkey);
            h = ZkeyFile.readHeader(z);
        } catch (FormatException e) {
            throw new RegistrationException(e.getMessage());
        }
        checkWasm(wasm, h);
        if (vkey != null) checkVkey(vkey, z, h);
        return h;
    }

    /**
     * The sample's witness, from the uploaded wasm within {@link #SAMPLE_WITNESS_TIME} (interpreted, as the size
     * check), proved with the uploaded zkey and verified: a witness the zkey's constraints do not hold for — the wasm
     * of another circuit — yields a proof that does not verify.
     */
    private static void proveSample(Path zkey, Path wasm, byte[] sampleInput) throws RegistrationException {
        Witness w = bounded(() -> WitnessCalculator.load(Files.readAllBytes(wasm), "wasm", WASM).calculate(sampleInput), SAMPLE_WITNESS_TIME,
                "sample_input_json: the wasm did not compute its witness within " + SAMPLE_WITNESS_TIME.toSeconds() + " s of CPU time",
                "sample_input_json: ");
        try (ProvingKey pk = ZkeyFile.read(zkey)) {
            Groth16Prover.cpu().proveAndVerify(pk, w);
        } catch (ProofRejectedException | WitnessMismatchException e) {
            throw new RegistrationException("sample_input_json: the zkey's proof from the wasm's witness does not verify: "
                    + "the wasm and the zkey are not one circuit's");
        } catch (FormatException e) {
            throw new RegistrationException(e.getMessage());
        } finally {
            w.zeroize();
        }
    }

    private static void checkWasm(Path wasm, ZkeyFile.Header h) throws RegistrationException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(wasm);
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry: cannot read an upload: " + e.getMessage(), e);
        }
        WitnessCalculator calculator = loadBounded(bytes);
        if (calculator.witnessSize() != h.nVars())
            throw new RegistrationException("wasm: computes " + calculator.witnessSize() + " witness values but the zkey's circuit has nVars "
                    + h.nVars() + "; they are not one circuit's");
    }

    /**
     * Loads the uploaded wasm — which runs its code: instantiation, getVersion, getWitnessSize — within
     * {@link #WASM_CHECK_TIME} and {@link #WASM_CHECK_PAGES} of memory.
     */
    private static WitnessCalculator loadBounded(byte[] bytes) throws RegistrationException {
        return bounded(() -> WitnessCalculator.load(bytes, "wasm", WASM), WASM_CHECK_TIME,
                "wasm: not a circom 2 witness calculator: its exports did not answer within " + WASM_CHECK_TIME.toSeconds() + " s of CPU time", "");
    }

    /**
     * Runs {@code task} — the uploaded wasm's code — within {@code time} of CPU time (and {@link #WALL_TIME_FACTOR}
     * times that in wall time), one at a time, on a thread of its own that is interrupted when the time is up
     * (Chicory's interpreter stops at the next call or loop iteration). A refusal of
     * the witness module (not wasm, not circom 2, another field, too much memory; an input the circuit refuses) is
     * its first line after {@code prefix}.
     */
    private static <T> T bounded(Callable<T> task, Duration time, String timedOut, String prefix) throws RegistrationException {
        WASM_CHECKS.acquireUninterruptibly();
        FutureTask<T> f = new FutureTask<>(task);
        // the permit goes back when the check's thread ends, not when the caller stops waiting for it
        Thread t = Thread.ofPlatform().daemon().name("registry-wasm-check").unstarted(() -> {
            try { f.run(); } finally { WASM_CHECKS.release(); }
        });
        t.start();
        long started = System.nanoTime();
        try {
            while (true) {
                try {
                    return f.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    long cpu = THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(t.threadId()) : System.nanoTime() - started;
                    if (cpu > time.toNanos() || System.nanoTime() - started > WALL_TIME_FACTOR * time.toNanos()) {
                        t.interrupt();
                        throw new RegistrationException(timedOut);
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io)
                throw new UncheckedIOException("circuit registry: cannot read an upload: " + io.getMessage(), io);
            if (e.getCause() instanceof PpfarmException p)
                throw new RegistrationException(prefix + p.getMessage().lines().findFirst().orElse("wasm: not a circom 2 witness calculator"));
            // a trap in the wasm's own getVersion, getWitnessSize, ...; an allocation over the memory bound
            throw new RegistrationException(prefix.isEmpty() ? "wasm: not a circom 2 witness calculator: its exports fail when called"
                    : prefix + "the wasm failed computing its witness");
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new RegistrationException("wasm: check interrupted (the coordinator is stopping)");
        }
    }

    private static void checkVkey(Path vkey, BinFile zkey, ZkeyFile.Header h) throws RegistrationException {
        VerificationKey given;
        try {
            long size = Files.size(vkey), max = maxVkeyBytes(h.nPublic());
            if (size > max)
                throw new RegistrationException("vkey: " + size + " bytes, more than a verification key with the zkey's nPublic "
                        + h.nPublic() + " takes (at most " + max + ")");
            given = VerificationKey.parseJson(Files.readString(vkey), "vkey");
        } catch (MalformedInputException e) {
            throw new RegistrationException("vkey: not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("circuit registry: cannot read an upload: " + e.getMessage(), e);
        } catch (FormatException e) {   // the JSON parser's own wording (it may quote the text, name its limits) stays out
            throw new RegistrationException(e.getMessage().contains(": not valid JSON") ? "vkey: " + e.where() + ": not valid JSON"
                    : e.getMessage().lines().findFirst().orElse("vkey: not a verification_key.json"));
        }
        VerificationKey own;
        try {
            own = ZkeyFile.readVerificationKey(zkey);
        } catch (FormatException e) {
            throw new RegistrationException(e.getMessage());
        }
        String differs = given.nPublic() != own.nPublic() ? "nPublic " + given.nPublic() + ", the zkey's " + own.nPublic()
                : !Arrays.equals(given.alpha1(), own.alpha1()) ? "vk_alpha_1 differs"
                : !Arrays.equals(given.beta2(), own.beta2()) ? "vk_beta_2 differs"
                : !Arrays.equals(given.gamma2(), own.gamma2()) ? "vk_gamma_2 differs"
                : !Arrays.equals(given.delta2(), own.delta2()) ? "vk_delta_2 differs"
                : !Arrays.equals(given.ic(), own.ic()) ? "IC differs" : null;
        if (differs != null) throw new RegistrationException("vkey: not the zkey's verification key (" + differs + ")");
    }
}
