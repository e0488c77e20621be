package org.ppfarm.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.Groth16Prover.Stage;
import org.ppfarm.prover.groth16.ProofRejectedException;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.WitnessMismatchException;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.witness.CircuitInputs;
import org.ppfarm.witness.WitnessCalculator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm bench --zkey Z --wtns W [--runs N]}: the warm proving time. The key is loaded once and kept resident,
 * as in a worker, so the backend's per-key precomputation (the CPU MSM's fixed-base tables) is done first and its
 * time and memory printed; the first proof is verified (a benchmark of a wrong prover is worthless), warm-up proofs let the JIT compile the hot
 * loops, then N proofs are timed and the median, min and max printed.
 *
 * <p>{@code ppfarm bench --zkey Z --wasm C --input I}: the witness is computed from the inputs instead, and its warm
 * time is reported first ({@code witness median ...}), separately from the proof's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Loads a proving key once, proves a witness repeatedly and prints the warm median (plus min/max).",
                "With --wasm and --input instead of --wtns, first times the witness calculation the same way (witness median).",
                "With --verbose, also the median time of each prover stage."})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--zkey", required = true, paramLabel = "<circuit.zkey>") Path zkey;
    @Option(names = "--wtns", paramLabel = "<witness.wtns>", description = "the witness to prove (or --wasm with --input)") Path wtns;
    @Option(names = "--wasm", paramLabel = "<circuit.wasm>", description = "compute the witness with circom's witness calculator") Path wasm;
    @Option(names = "--input", paramLabel = "<input.json>", description = "the circuit's input signals (with --wasm)") Path input;
    @Option(names = "--runs", defaultValue = "10", description = "timed proofs (default ${DEFAULT-VALUE})") int runs;
    @Option(names = "--warmup", defaultValue = "3", description = "untimed proofs first (default ${DEFAULT-VALUE})") int warmup;
    @Option(names = {"-v", "--verbose"}, description = "print each run and a per-stage breakdown") boolean verbose;
    @Option(names = "--reference", paramLabel = "<prover>",
            description = {"a rapidsnark-compatible prover (<prover> <zkey> <wtns> <proof.json> <public.json>), e.g. ../shared/anchors/rapidsnark/prover:",
                    "run --reference-runs times on the same key and witness after ppfarm's runs, one process each; prints its median and the ratio (needs --wtns)"})
    Path reference;
    @Option(names = "--pause", defaultValue = "0", paramLabel = "<ms>",
            description = "idle time before each timed proof (default ${DEFAULT-VALUE}): a farm at low load proves after idle time, its caches cooled and its threads parked, unlike back-to-back runs")
    long pauseMs;
    @Option(names = "--reference-runs", defaultValue = "5", description = "runs of the --reference prover (default ${DEFAULT-VALUE})") int referenceRuns;
    @Option(names = "--sequential", description = "run the witness MSMs after the quotient instead of overlapping them, so stage times add up")
    boolean sequential;

    @Override
    public Integer call() {
        if (runs < 1) throw new ParameterException(spec.commandLine(), "--runs must be at least 1, got " + runs);
        if (warmup < 0) throw new ParameterException(spec.commandLine(), "--warmup must not be negative, got " + warmup);
        if ((wtns == null) == (wasm == null)) throw new ParameterException(spec.commandLine(), "give --wtns, or --wasm with --input");
        if ((wasm == null) != (input == null)) throw new ParameterException(spec.commandLine(), "--wasm and --input go together");
        // the reference reads the witness from a file; one computed here holds the input's secrets and is not written out
        if (reference != null && wtns == null) throw new ParameterException(spec.commandLine(), "--reference needs --wtns");
        if (pauseMs < 0) throw new ParameterException(spec.commandLine(), "--pause must not be negative, got " + pauseMs);
        if (referenceRuns < 1) throw new ParameterException(spec.commandLine(), "--reference-runs must be at least 1, got " + referenceRuns);
        if (reference != null) Inputs.file(reference);
        PrintWriter out = spec.commandLine().getOut();
        Witness w = wasm != null ? benchWitness(out) : WtnsFile.read(Inputs.file(wtns));
        Path witnessSource = wasm != null ? input : wtns;
        long t0 = System.nanoTime();
        try (ProvingKey pk = ZkeyFile.read(Inputs.file(zkey))) {
            double loadMs = ms(System.nanoTime() - t0);
            Groth16Prover prover = Groth16Prover.cpu().withOverlap(!sequential);
            out.printf(Locale.ROOT, "key %s: %d signals, %d public, domain 2^%d (key and witness loaded and checked in %.0f ms)%n",
                    zkey, pk.nVars(), pk.nPublic(), pk.domainLog(), loadMs);
            out.printf(Locale.ROOT, "backend msm=%s ntt=%s, %d cores, warmup %d, runs %d%s%s%n", prover.msm().name(), prover.ntt().name(),
                    Runtime.getRuntime().availableProcessors(), warmup, runs, sequential ? ", sequential stages" : "",
                    pauseMs > 0 ? ", " + pauseMs + " ms idle before each timed proof" : "");
            // the key stays resident for every run, as in a worker: precompute what the backend keeps per base set
            // (the CPU backend's fixed-base tables) before timing, and report its cost
            long p0 = System.nanoTime(), pc0 = processCpuNanos();
            pk.precompute(prover.msm());
            if (prover.msm() instanceof CpuMsm cpuMsm) {
                out.printf(Locale.ROOT, "fixed-base tables: %.1f MB, built in %.0f ms (cpu %.0f ms)%n", cpuMsm.tableBytesInUse() / 1e6,
                        ms(System.nanoTime() - p0), ms(processCpuNanos() - pc0));
            }
            try {
                long v0 = System.nanoTime();
                prover.proveAndVerify(pk, w);
                out.printf(Locale.ROOT, "first proof verified (prove + verify %.1f ms, cold)%n", ms(System.nanoTime() - v0));
            } catch (WitnessMismatchException | ProofRejectedException e) {
                throw new PpfarmException(witnessSource + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < warmup; i++) prover.prove(pk, w);

            double[] total = new double[runs], cpu = new double[runs];
            double[][] stages = new double[Stage.values().length][runs], stageCpu = new double[Stage.values().length][runs];
            for (int i = 0; i < runs; i++) {
                idle(pauseMs);
                Groth16Prover.Trace trace = new Groth16Prover.Trace(BenchCommand::processCpuNanos);
                long c = processCpuNanos(), s = System.nanoTime();
                prover.prove(pk, w, trace);
                total[i] = ms(System.nanoTime() - s);
                cpu[i] = ms(processCpuNanos() - c);
                for (Stage st : Stage.values()) {
                    stages[st.ordinal()][i] = ms(trace.nanos(st));
                    stageCpu[st.ordinal()][i] = ms(trace.cpuNanos(st));
                }
                if (verbose) out.printf(Locale.ROOT, "run %d %.1f ms (cpu %.1f ms)%n", i + 1, total[i], cpu[i]);
            }
            if (verbose) {
                for (Stage st : Stage.values()) {
                    String name = st.name().toLowerCase(Locale.ROOT);
                    if (sequential) out.printf(Locale.ROOT, "stage %-8s median %7.1f ms (cpu %7.1f ms)%n", name, median(stages[st.ordinal()]), median(stageCpu[st.ordinal()]));
                    else out.printf(Locale.ROOT, "stage %-8s median %7.1f ms%n", name, median(stages[st.ordinal()]));
                }
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
            if (reference != null) {
                double ref = ReferenceProver.median(reference, zkey, wtns, pk, referenceRuns, verbose ? out : null);
                out.printf(Locale.ROOT, "reference median %.1f ms (%s, %d runs, one process per proof: its time includes reading the key)%n",
                        ref, reference, referenceRuns);
                out.printf(Locale.ROOT, "ratio %.2f (ppfarm warm median / reference median; load average %.1f)%n", median(total) / ref,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            return Ppfarm.OK;
        } finally {
            w.zeroize();
        }
    }

    /**
     * Times the witness calculation: the circuit is loaded (parsed, compiled) once, warm-up computations let the JIT
     * compile it, then {@code runs} computations are timed. Returns one computed witness, for the proofs.
     */
    private Witness benchWitness(PrintWriter out) {
        long t0 = System.nanoTime();
        WitnessCalculator calc = WitnessFiles.load(wasm);
        double loadMs = ms(System.nanoTime() - t0);
        try (CircuitInputs in = WitnessFiles.read(input)) {
            long f0 = System.nanoTime();
            Witness w = calc.calculate(in);
            out.printf(Locale.ROOT, "witness %s: %d signals (loaded and compiled in %.0f ms, first witness %.1f ms, cold)%n",
                    wasm, calc.witnessSize(), loadMs, ms(System.nanoTime() - f0));
            for (int i = 0; i < Math.max(WITNESS_WARMUP, warmup); i++) calc.calculate(in).zeroize();
            double[] times = new double[runs];
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                Witness x = calc.calculate(in);
                times[i] = ms(System.nanoTime() - s);
                x.zeroize();
                if (verbose) out.printf(Locale.ROOT, "witness run %d %.1f ms%n", i + 1, times[i]);
            }
            double[] sorted = times.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "witness median %.1f ms%n", median(times));
            out.printf(Locale.ROOT, "witness min %.1f ms%n", sorted[0]);
            out.printf(Locale.ROOT, "witness max %.1f ms%n", sorted[runs - 1]);
            return w;
        }
    }

    /** The JIT compiles a circuit's ~2000 (outlined) functions over the first few dozen witnesses. */
    private static final int WITNESS_WARMUP = 40;

    /** This process's CPU time over all threads, or -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static double ms(long nanos) { return nanos / 1e6; }

    /** Idles {@code ms} milliseconds (the whole time: a park may return early), less if the thread is interrupted. */
    private static void idle(long ms) {
        long until = System.nanoTime() + ms * 1_000_000;
        for (long left = ms * 1_000_000; left > 0 && !Thread.currentThread().isInterrupted(); left = until - System.nanoTime())
            LockSupport.parkNanos(left);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
