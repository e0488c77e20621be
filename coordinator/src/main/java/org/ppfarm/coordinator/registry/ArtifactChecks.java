package org.ppfarm.coordinator.registry;

import org.ppfarm.coordinator.registry.CircuitRegistry.RegistrationException;
import org.ppfarm.prover.format.BinFile;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.witness.WitnessCalculator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
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
    /** Time the registration's wasm check may take: circom's size exports answer in milliseconds. */
    static final Duration WASM_CHECK_TIME = Duration.ofSeconds(10);
    /** One wasm check at a time: a burst of uploads cannot hold more than one check's memory. */
    private static final Semaphore WASM_CHECKS = new Semaphore(1);

    /**
     * snarkjs writes a verification key in well under 1 KiB per public signal plus a few KiB; a larger vkey is
     * refused before it is read.
     */
    private static long maxVkeyBytes(int nPublic) { return 4096L * (nPublic + 16); }

    /** Checks the uploaded files; returns the zkey's header. {@code vkey} may be null (none uploaded). */
    static ZkeyFile.Header check(Path zkey, Path wasm, Path vkey) throws RegistrationException {
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
     * {@link #WASM_CHECK_TIME} and {@link #WASM_CHECK_PAGES} of memory, one upload at a time, on a thread of its own
     * that is interrupted when the time is up (Chicory's interpreter stops at the next call or loop iteration).
     */
    private static WitnessCalculator loadBounded(byte[] bytes) throws RegistrationException {
        WASM_CHECKS.acquireUninterruptibly();
        FutureTask<WitnessCalculator> task = new FutureTask<>(() -> WitnessCalculator.load(bytes, "wasm", WASM));
        // the permit goes back when the check's thread ends, not when the caller stops waiting for it
        Thread t = Thread.ofPlatform().daemon().name("registry-wasm-check").unstarted(() -> {
            try { task.run(); } finally { WASM_CHECKS.release(); }
        });
        t.start();
        try {
            return task.get(WASM_CHECK_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new RegistrationException("wasm: not a circom 2 witness calculator: its exports did not answer within "
                    + WASM_CHECK_TIME.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FormatException f)   // not wasm, not circom 2, another field, missing exports, too much memory
                throw new RegistrationException(f.getMessage().lines().findFirst().orElse("wasm: not a circom 2 witness calculator"));
            // a trap in the wasm's own getVersion, getWitnessSize, ...; an allocation over the memory bound
            throw new RegistrationException("wasm: not a circom 2 witness calculator: its exports fail when called");
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
