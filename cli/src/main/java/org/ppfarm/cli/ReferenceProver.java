package org.ppfarm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.Verifier;

/**
 * Times another Groth16 prover with rapidsnark's command line ({@code prover <zkey> <wtns> <proof.json>
 * <public.json>}) on the key and witness {@code ppfarm bench} measured, so both figures come from one run on one
 * machine. Each run is one process, as rapidsnark is used: its time includes starting and reading the key. Every
 * proof it writes is checked against the key's verification key, since a comparison with a prover that proves
 * something else is worthless.
 */
final class ReferenceProver {
    private ReferenceProver() {}

    /** The median wall time in ms of {@code runs} runs of {@code prover}; each run printed to {@code verbose} if not null. */
    static double median(Path prover, Path zkey, Path wtns, ProvingKey pk, int runs, PrintWriter verbose) {
        Path dir;
        try {
            dir = Files.createTempDirectory("ppfarm-bench-reference");
        } catch (IOException e) {
            throw new PpfarmException("--reference: cannot create a temporary directory: " + e.getMessage(), e);
        }
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json"), log = dir.resolve("output.txt");
        try {
            double[] times = new double[runs];
            for (int i = 0; i < runs; i++) {
                Files.deleteIfExists(proof);
                Files.deleteIfExists(pub);
                ProcessBuilder pb = new ProcessBuilder(prover.toString(), zkey.toString(), wtns.toString(), proof.toString(), pub.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                long s = System.nanoTime();
                int code = pb.start().waitFor();
                times[i] = (System.nanoTime() - s) / 1e6;
                if (code != 0) throw new PpfarmException("--reference " + prover + " exited " + code + ": " + firstLine(log));
                if (!Verifier.verify(pk.preparedVerifyingKey(), PublicSignals.readJson(pub), Proof.readJson(proof)))
                    throw new PpfarmException("--reference " + prover + ": its proof does not verify with " + zkey + "'s verification key");
                if (verbose != null) verbose.printf(Locale.ROOT, "reference run %d %.1f ms%n", i + 1, times[i]);
            }
            return BenchCommand.median(times);
        } catch (IOException e) {
            throw new PpfarmException("--reference " + prover + ": cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PpfarmException("--reference " + prover + ": interrupted", e);
        } finally {
            for (Path p : new Path[] {proof, pub, log, dir}) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary file left behind holds only a proof and public signals
                }
            }
        }
    }

    private static String firstLine(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "(no output)" : text.lines().findFirst().orElseThrow();
    }
}
