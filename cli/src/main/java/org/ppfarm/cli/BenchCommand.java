package org.ppfarm.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.Groth16Prover.Stage;
import org.ppfarm.prover.groth16.ProofRejectedException;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.WitnessMismatchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm bench --zkey Z --wtns W [--runs N]}: the warm proving time. The key is loaded once, the first
 * proof is verified (a benchmark of a wrong prover is worthless), warm-up proofs let the JIT compile the hot
 * loops, then N proofs are timed and the median, min and max printed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Loads a proving key once, proves a witness repeatedly and prints the warm median (plus min/max).",
                "With --verbose, also the median time of each prover stage."})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--zkey", required = true, paramLabel = "<circuit.zkey>") Path zkey;
    @Option(names = "--wtns", required = true, paramLabel = "<witness.wtns>") Path wtns;
    @Option(names = "--runs", defaultValue = "10", description = "timed proofs (default ${DEFAULT-VALUE})") int runs;
    @Option(names = "--warmup", defaultValue = "3", description = "untimed proofs first (default ${DEFAULT-VALUE})") int warmup;
    @Option(names = {"-v", "--verbose"}, description = "print each run and a per-stage breakdown") boolean verbose;
    @Option(names = "--sequential", description = "run the witness MSMs after the quotient instead of overlapping them, so stage times add up")
    boolean sequential;

    @Override
    public Integer call() {
        if (runs < 1) throw new ParameterException(spec.commandLine(), "--runs must be at least 1, got " + runs);
        if (warmup < 0) throw new ParameterException(spec.commandLine(), "--warmup must not be negative, got " + warmup);
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Witness w = WtnsFile.read(Inputs.file(wtns));
        try (ProvingKey pk = ZkeyFile.read(Inputs.file(zkey))) {
            double loadMs = ms(System.nanoTime() - t0);
            Groth16Prover prover = Groth16Prover.cpu().withOverlap(!sequential);
            out.printf(Locale.ROOT, "key %s: %d signals, %d public, domain 2^%d (key and witness loaded and checked in %.0f ms)%n",
                    zkey, pk.nVars(), pk.nPublic(), pk.domainLog(), loadMs);
            out.printf(Locale.ROOT, "backend msm=%s ntt=%s, %d cores, warmup %d, runs %d%s%n", prover.msm().name(), prover.ntt().name(),
                    Runtime.getRuntime().availableProcessors(), warmup, runs, sequential ? ", sequential stages" : "");
            try {
                long v0 = System.nanoTime();
                prover.proveAndVerify(pk, w);
                out.printf(Locale.ROOT, "first proof verified (prove + verify %.1f ms, cold)%n", ms(System.nanoTime() - v0));
            } catch (WitnessMismatchException | ProofRejectedException e) {
                throw new PpfarmException(wtns + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < warmup; i++) prover.prove(pk, w);

            double[] total = new double[runs], cpu = new double[runs];
            double[][] stages = new double[Stage.values().length][runs];
            for (int i = 0; i < runs; i++) {
                Groth16Prover.Trace trace = new Groth16Prover.Trace();
                long c = processCpuNanos(), s = System.nanoTime();
                prover.prove(pk, w, trace);
                total[i] = ms(System.nanoTime() - s);
                cpu[i] = ms(processCpuNanos() - c);
                for (Stage st : Stage.values()) stages[st.ordinal()][i] = ms(trace.nanos(st));
                if (verbose) out.printf(Locale.ROOT, "run %d %.1f ms (cpu %.1f ms)%n", i + 1, total[i], cpu[i]);
            }
            if (verbose) {
                for (Stage st : Stage.values())
                    out.printf(Locale.ROOT, "stage %-8s median %7.1f ms%n", st.name().toLowerCase(Locale.ROOT), median(stages[st.ordinal()]));
                if (!sequential) out.println("(stages overlap: the witness MSMs run during the quotient; --sequential separates them)");
            }
            double[] sorted = total.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "median %.1f ms%n", median(total));
            out.printf(Locale.ROOT, "min %.1f ms%n", sorted[0]);
            out.printf(Locale.ROOT, "max %.1f ms%n", sorted[runs - 1]);
            // CPU time is what a loaded or shared machine does not distort: wall ≈ cpu / cores when idle
            if (processCpuNanos() >= 0) out.printf(Locale.ROOT, "cpu median %.1f ms per proof (all threads; load average %.1f)%n",
                    median(cpu), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            return Ppfarm.OK;
        } finally {
            w.zeroize();
        }
    }

    /** This process's CPU time over all threads, or -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static double ms(long nanos) { return nanos / 1e6; }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
