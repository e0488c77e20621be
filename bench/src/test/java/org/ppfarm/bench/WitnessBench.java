package org.ppfarm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * One circuit's warm in-process witness next to the two ways node computes it, all in the same run on the same input:
 * a warm node process (circom_runtime's {@code WitnessCalculatorBuilder} built once, then
 * {@code calculateWTNSBin(input, true)} per witness: bench/src/test/js/warm-witness.mjs) and the
 * {@code snarkjs wtns calculate} CLI (one node process per witness). All three must give the same .wtns bytes (exit 1
 * if not). ppfarm's first witness runs the wasm and records the circuit's program (WitnessCalculator#traceStatus);
 * the bench waits for the recording, so the timed witnesses are replays when the circuit could be traced. Run with
 * {@code scripts/bench.sh WitnessBench [withdraw|commitment|<testkit circuit>] [runs] [snarkjsRuns] [warmup]}, or
 * several circuits with {@code scripts/bench-witness.sh}.
 */
public final class WitnessBench {
    private WitnessBench() {}

    public static void main(String[] args) throws Exception {
        int a = 0;
        String circuit = args.length > 0 && !args[0].matches("\\d+") ? args[a++] : "withdraw";
        int runs = args.length > a ? Integer.parseInt(args[a]) : 30;
        int snarkjsRuns = args.length > a + 1 ? Integer.parseInt(args[a + 1]) : 7;
        // the JIT compiles the circuit's ~2000 (outlined) functions over the first few dozen witnesses
        int warmup = args.length > a + 2 ? Integer.parseInt(args[a + 2]) : 40;
        Path wasm;
        String json;
        switch (circuit) {
            // a note in a state tree of 100 leaves (depth 7) and an ASP tree of 20 (depth 5)
            case "withdraw" -> { wasm = Artifacts.withdrawWasm(); json = ZeroXBowInputs.withdraw(99, 100, 20); }
            case "commitment" -> { wasm = Artifacts.commitmentWasm(); json = ZeroXBowInputs.commitment(99); }
            default -> {
                // a testkit circuit (org.ppfarm.testkit.TestCircuits), by name
                var fixture = org.ppfarm.testkit.TestCircuits.all().stream().filter(f -> f.name().equals(circuit)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("circuit must be withdraw, commitment or a testkit circuit, not " + circuit));
                wasm = fixture.wasm();
                json = fixture.input(99);
            }
        }
        Path dir = Files.createTempDirectory("witness-bench");
        Path input = ZeroXBowInputs.write(dir, "input.json", json);
        byte[] inputBytes = Files.readAllBytes(input);

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
            Witness w = calc.calculate(inputBytes);
            double ms = (System.nanoTime() - t) / 1e6;
            if (i == 0) {
                firstMs = ms;
                ours = WtnsFile.toBytes(w);
                // the first computation runs the wasm and records the circuit's program in the background; the
                // timed witnesses replay it (WitnessCalculator#traceStatus)
                long r = System.nanoTime();
                calc.awaitTrace(java.time.Duration.ofMinutes(5));
                System.out.printf("trace: %s (recorded in %.1f s)%n", calc.traceStatus(), (System.nanoTime() - r) / 1e9);
            }
            if (i == warmup + runs - 1 && !java.util.Arrays.equals(ours, WtnsFile.toBytes(w))) {
                System.out.println("the last timed witness differs from the first");
                System.exit(1);
            }
            if (i >= warmup) {
                wall[i - warmup] = ms;
                cpu[i - warmup] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
            }
            w.zeroize();
        }

        // warm node: one process, the same warm-up and runs
        Path nodeOut = dir.resolve("node.wtns");
        Node.Result nr = Node.node(List.of(Repo.root().resolve("bench/src/test/js/warm-witness.mjs").toString(), wasm.toString(),
                input.toString(), Integer.toString(warmup), Integer.toString(runs), nodeOut.toString())).orThrow("warm-witness.mjs");
        JsonNode warmNode = new ObjectMapper().readTree(nr.stdout().strip().lines().reduce((x, y) -> y).orElseThrow());
        double[] nodeWall = doubles(warmNode.get("wallMs"));
        double[] nodeCpu = doubles(warmNode.get("cpuMs"));

        double[] snark = new double[snarkjsRuns];
        double[] snarkCpu = new double[snarkjsRuns];
        Path out = dir.resolve("snarkjs.wtns");
        // bash's `time` adds the node process's user + system CPU (all its threads) to the wall time we take
        String node = String.join(" ", List.of("node", Repo.nodeModules().resolve("snarkjs/build/cli.cjs").toString(), "wtns", "calculate",
                wasm.toString(), input.toString(), out.toString()).stream().map(s -> "'" + s + "'").toList());
        List<String> cmd = List.of("bash", "-c", "TIMEFORMAT='%3U %3S'; time " + node + " >/dev/null");
        for (int i = 0; i < snarkjsRuns; i++) {
            long t = System.nanoTime();
            Node.Result r = Node.run(cmd, Repo.root()).orThrow("snarkjs wtns calculate");
            snark[i] = (System.nanoTime() - t) / 1e6;
            String[] us = r.stderr().strip().lines().reduce((x, y) -> y).orElse("0 0").split(" ");
            snarkCpu[i] = (Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1000;
        }
        byte[] reference = Files.readAllBytes(out);
        boolean same = Arrays.equals(ours, reference) && Arrays.equals(Files.readAllBytes(nodeOut), reference);

        double median = Stats.median(wall), nodeMedian = Stats.median(nodeWall), snarkMedian = Stats.median(snark);
        System.out.printf("%s witness (%d signals), %s, %d cores%n", circuit, calc.witnessSize(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("ppfarm load (parse, outline, compile or compiled-circuit cache): %.0f ms; first witness: %.0f ms%n", loadMs, firstMs);
        System.out.printf("ppfarm warm witness: median %.1f ms (min %.1f, max %.1f) over %d runs after %d warm-up; thread CPU median %.1f ms%n",
                median, Stats.min(wall), Stats.max(wall), runs, warmup, Stats.median(cpu));
        System.out.printf("warm node (circom_runtime calculateWTNSBin): median %.1f ms (min %.1f, max %.1f) over %d runs after %d warm-up;"
                + " process CPU median %.1f ms; load %.0f ms, first witness %.0f ms%n", nodeMedian, Stats.min(nodeWall), Stats.max(nodeWall),
                runs, warmup, Stats.median(nodeCpu), warmNode.get("loadMs").asDouble(), warmNode.get("firstMs").asDouble());
        System.out.printf("snarkjs wtns calculate (CLI, node start included): median %.0f ms (min %.0f, max %.0f) over %d runs;"
                + " process CPU median %.0f ms%n", snarkMedian, Stats.min(snark), Stats.max(snark), snarkjsRuns,
                Stats.median(snarkCpu));
        System.out.printf("ratio ppfarm/warm node: wall %.3f (target <= 0.5), CPU %.3f%n", median / nodeMedian,
                Stats.median(cpu) / Stats.median(nodeCpu));
        System.out.printf("ratio ppfarm/snarkjs CLI: wall %.3f, CPU %.3f; .wtns identical (ppfarm, warm node, snarkjs): %s%n",
                median / snarkMedian, Stats.median(cpu) / Stats.median(snarkCpu), same);
        System.out.printf("load average: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
        if (!same) System.exit(1);
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = array.get(i).asDouble();
        return v;
    }
}
