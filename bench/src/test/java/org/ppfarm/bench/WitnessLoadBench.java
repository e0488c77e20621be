package org.ppfarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.witness.WitnessCalculator;

/**
 * A circuit's cold load in a fresh JVM, as a restarted worker does it: {@code WitnessCalculator.load} with the
 * compiled-circuit cache in {@code cacheDir} (an empty directory: outline + compile + write; run again: read the
 * cache), then the first witness. Also the heap the loaded circuits hold. Run twice with
 * {@code scripts/bench.sh WitnessLoadBench <cacheDir> [withdraw] [commitment]}, or from {@code scripts/bench-witness.sh}.
 */
public final class WitnessLoadBench {
    private WitnessLoadBench() {}

    public static void main(String[] args) {
        Path cache = Path.of(args[0]);
        List<String> circuits = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("withdraw", "commitment");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<WitnessCalculator> resident = new ArrayList<>();
        for (String c : circuits) {
            Path wasm = "withdraw".equals(c) ? Artifacts.withdrawWasm() : Artifacts.commitmentWasm();
            String json = "withdraw".equals(c) ? ZeroXBowInputs.withdraw(99, 100, 20) : ZeroXBowInputs.commitment(99);
            System.gc();
            long heap = memory.getHeapMemoryUsage().getUsed();
            long t = System.nanoTime();
            WitnessCalculator calc = WitnessCalculator.load(wasm, WitnessCalculator.Options.defaults().withCacheDir(cache));
            double loadMs = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            Witness w = calc.calculate(json);
            double firstMs = (System.nanoTime() - t) / 1e6;
            w.zeroize();
            System.gc();
            resident.add(calc);
            System.out.printf("%s: load %.0f ms (%s), first witness %.0f ms, heap held after load + 1 witness %.1f MiB%n", c, loadMs,
                    calc.compiledFrom().replaceAll(" [^ ]*/", " .../"), firstMs, (memory.getHeapMemoryUsage().getUsed() - heap) / 1048576.0);
        }
        System.out.printf("resident circuits: %d%n", resident.size());
    }
}
