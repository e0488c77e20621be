package org.ppfarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.witness.WitnessCalculator;

/**
 * The warm in-process withdraw witness time next to {@code snarkjs wtns calculate}'s CLI time measured in the same
 * run, on the same input, after checking both give the same .wtns (exit 1 if not). Run with
 * {@code scripts/bench.sh WitnessBench [runs] [snarkjsRuns] [warmup]}.
 */
public final class WitnessBench {
    private WitnessBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int snarkjsRuns = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        // the JIT compiles the circuit's ~2000 (outlined) functions over the first few dozen witnesses
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Path wasm = Artifacts.withdrawWasm();
        Path dir = Files.createTempDirectory("witness-bench");
        // a note in a state tree of 100 leaves (depth 7) and an ASP tree of 20 (depth 5)
        Path input = ZeroXBowInputs.write(dir, "withdraw.json", ZeroXBowInputs.withdraw(99, 100, 20));
        byte[] json = Files.readAllBytes(input);

        long t0 = System.nanoTime();
        WitnessCalculator calc = WitnessCalculator.load(wasm);
        double loadMs = (System.nanoTime() - t0) / 1e6;

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        byte[] ours = null;
        double firstMs = 0;
        for (int i = 0; i < warmup + runs; i++) {
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            Witness w = calc.calculate(json);
            double ms = (System.nanoTime() - t) / 1e6;
            if (i == 0) {
                firstMs = ms;
                ours = WtnsFile.toBytes(w);
            }
            if (i >= warmup) {
                wall[i - warmup] = ms;
                cpu[i - warmup] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
            }
            w.zeroize();
        }

        double[] snark = new double[snarkjsRuns];
        double[] snarkCpu = new double[snarkjsRuns];
        Path out = dir.resolve("snarkjs.wtns");
        // bash's `time` adds the node process's user + system CPU (all its threads) to the wall time we take
        String node = String.join(" ", List.of("node", Repo.nodeModules().resolve("snarkjs/build/cli.cjs").toString(), "wtns", "calculate",
                wasm.toString(), input.toString(), out.toString()).stream().map(a -> "'" + a + "'").toList());
        List<String> cmd = List.of("bash", "-c", "TIMEFORMAT='%3U %3S'; time " + node + " >/dev/null");
        for (int i = 0; i < snarkjsRuns; i++) {
            long t = System.nanoTime();
            Node.Result r = Node.run(cmd, Repo.root()).orThrow("snarkjs wtns calculate");
            snark[i] = (System.nanoTime() - t) / 1e6;
            String[] us = r.stderr().strip().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
            snarkCpu[i] = (Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1000;
        }
        boolean same = Arrays.equals(ours, Files.readAllBytes(out));

        double median = Stats.median(wall), snarkMedian = Stats.median(snark);
        System.out.printf("withdraw witness (%d signals), %s, %d cores%n", calc.witnessSize(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("load (parse, outline, compile): %.0f ms; first witness: %.0f ms%n", loadMs, firstMs);
        System.out.printf("ppfarm warm witness: median %.1f ms (min %.1f, max %.1f) over %d runs after %d warm-up; thread CPU median %.1f ms%n",
                median, Stats.min(wall), Stats.max(wall), runs, warmup, Stats.median(cpu));
        System.out.printf("snarkjs wtns calculate (CLI, node start included): median %.0f ms (min %.0f, max %.0f) over %d runs;"
                + " process CPU median %.0f ms%n", snarkMedian, Stats.min(snark), Stats.max(snark), snarkjsRuns,
                Stats.median(snarkCpu));
        System.out.printf("ratio ppfarm/snarkjs: wall %.3f (target <= 0.25), CPU %.3f; .wtns identical: %s%n", median / snarkMedian,
                Stats.median(cpu) / Stats.median(snarkCpu), same);
        System.out.printf("load average: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
        if (!same) System.exit(1);
    }
}
