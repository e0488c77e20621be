package org.ppfarm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.Verifier;

/**
 * Proving throughput, in one sitting: ppfarm's batched proofs ({@link Groth16Prover#proveBatch}) against ppfarm
 * proving the same number of witnesses one after another, and optionally against a reference prover run as one
 * process per proof (rapidsnark: it loads the key and uses every core for each proof):
 * <pre>
 *   scripts/bench.sh BatchBench &lt;circuit.zkey&gt; &lt;witness.wtns&gt; [k [rounds [reference-prover]]]
 * </pre>
 * The key is loaded once and its fixed-base tables are built first (a worker's resident key). Each round times k
 * sequential proofs, a batch of k, and k reference processes, in that order, so all three see the same load; the
 * medians over rounds of proofs per second and their ratios are printed with the load average before and after,
 * and ppfarm's process CPU per proof (which a loaded machine distorts least: on 2 cores it bounds the rate at
 * 2 / CPU-per-proof, batched or not).
 * Every batch's proofs are verified (a benchmark of a wrong prover is worthless); the witness is proved k times,
 * which costs the same as k different witnesses of the circuit (the withdraw witness's scalars are ~98 % full-size).
 */
public final class BatchBench {
    private BatchBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BatchBench <circuit.zkey> <witness.wtns> [k [rounds [reference-prover]]]");
            System.exit(2);
        }
        Path zkey = Path.of(args[0]), wtns = Path.of(args[1]);
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 4, rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path reference = args.length > 4 ? Path.of(args[4]) : null;
        Groth16Prover prover = Groth16Prover.cpu();
        System.out.printf(Locale.ROOT, "cores %d, msm %s, k %d, rounds %d, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                prover.msm().name(), k, rounds, loadAverage());
        try (ProvingKey pk = ZkeyFile.read(zkey)) {
            Witness w = WtnsFile.read(wtns);
            List<Witness> batch = Collections.nCopies(k, w);
            long t0 = System.nanoTime();
            pk.precompute(prover.msm());
            System.out.printf(Locale.ROOT, "fixed-base tables built in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            for (int i = 0; i < 2; i++) {   // warm-up: the JIT compiles both paths' hot loops
                prover.prove(pk, w);
                requireVerified(pk, prover.proveBatch(pk, batch));
            }
            double[] seq = new double[rounds], bat = new double[rounds], ref = new double[reference == null ? 0 : rounds];
            double[] seqCpu = new double[rounds], batCpu = new double[rounds];   // process CPU ms per proof
            Path out = Files.createTempDirectory("ppfarm-batch-bench");
            try {
                for (int round = 0; round < rounds; round++) {
                    long s0 = System.nanoTime(), sc = FarmBench.processCpuNanos();
                    for (int i = 0; i < k; i++) prover.prove(pk, w);
                    seq[round] = k / ((System.nanoTime() - s0) / 1e9);
                    seqCpu[round] = (FarmBench.processCpuNanos() - sc) / 1e6 / k;
                    long b0 = System.nanoTime(), bc = FarmBench.processCpuNanos();
                    List<ProofResult> proofs = prover.proveBatch(pk, batch);
                    bat[round] = k / ((System.nanoTime() - b0) / 1e9);
                    batCpu[round] = (FarmBench.processCpuNanos() - bc) / 1e6 / k;
                    requireVerified(pk, proofs);
                    if (reference != null) ref[round] = k / (referenceSeconds(reference, zkey, wtns, k, out));
                    System.out.printf(Locale.ROOT, "round %d: sequential %.2f proofs/s (%.0f ms CPU each), batched %.2f (%.0f ms CPU each)%s, load average %.2f%n",
                            round + 1, seq[round], seqCpu[round], bat[round], batCpu[round], reference == null ? "" : String.format(Locale.ROOT, ", reference %.2f", ref[round]), loadAverage());
                }
            } finally {
                try (var files = Files.list(out)) {
                    for (Path p : files.toList()) Files.delete(p);
                }
                Files.delete(out);
            }
            double ms = Stats.median(seq), mb = Stats.median(bat);
            System.out.printf(Locale.ROOT, "median proofs/s: sequential %.2f, batched (k=%d) %.2f: batched/sequential %.2f×%n", ms, k, mb, mb / ms);
            System.out.printf(Locale.ROOT, "median process CPU per proof: sequential %.0f ms, batched %.0f ms%n", Stats.median(seqCpu), Stats.median(batCpu));
            if (reference != null) {
                double mr = Stats.median(ref);
                System.out.printf(Locale.ROOT, "median proofs/s: reference %.2f (one process per proof): batched/reference %.2f×, sequential/reference %.2f×%n",
                        mr, mb / mr, ms / mr);
            }
            System.out.printf(Locale.ROOT, "load average %.2f%n", loadAverage());
            w.zeroize();
        }
    }

    /** Wall seconds of k reference processes, one after another, each proving the witness once. */
    private static double referenceSeconds(Path prover, Path zkey, Path wtns, int k, Path out) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            List<String> cmd = new ArrayList<>(List.of(prover.toString(), zkey.toString(), wtns.toString(),
                    out.resolve("proof.json").toString(), out.resolve("public.json").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) throw new IllegalStateException(prover + " exited with " + p.exitValue());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void requireVerified(ProvingKey pk, List<ProofResult> proofs) {
        for (ProofResult r : proofs)
            if (!Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof())) throw new IllegalStateException("a batched proof does not verify");
    }

    private static double loadAverage() { return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); }
}
