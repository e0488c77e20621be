package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.witness.wasm.FunctionOutliner;

/** Compiled circuits on disk: a second load reads them back, and no damaged, foreign or half-written entry is ever run. */
class CircuitCacheTest {
    static byte[] wasm;
    static byte[] input;
    static byte[] expected;
    @TempDir Path cache;

    @BeforeAll
    static void reference(@TempDir Path tmp) throws IOException {
        wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        Path in = ZeroXBowInputs.write(tmp, "commitment.json", ZeroXBowInputs.commitment(11));
        input = Files.readAllBytes(in);
        expected = References.snarkjsWtns(Artifacts.commitmentWasm(), in);
    }

    private WitnessCalculator load() {
        return WitnessCalculator.load(wasm, "commitment.wasm", WitnessCalculator.Options.defaults().withCacheDir(cache));
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            List<Path> all = s.toList();
            assertEquals(1, all.size(), "entries: " + all);
            return all.getFirst();
        }
    }

    @Test
    void aSecondLoadRunsTheCachedClassesAndGivesSnarkjsWitness() throws IOException {
        WitnessCalculator first = load();
        assertTrue(first.compiledFrom().startsWith("compiled, cached as "), first.compiledFrom());
        assertArrayEquals(expected, WtnsFile.toBytes(first.calculate(input)));
        Path entry = onlyEntry();
        assertTrue(entry.getFileName().toString().matches("[0-9a-f]{64}\\.circuit"), entry.toString());

        WitnessCalculator second = load();
        assertEquals("cache " + entry, second.compiledFrom());
        assertArrayEquals(expected, WtnsFile.toBytes(second.calculate(input)));
        assertEquals(first.witnessSize(), second.witnessSize());
    }

    @Test
    void aDamagedEntryIsIgnoredAndReplaced() throws IOException {
        load();
        Path entry = onlyEntry();
        byte[] good = Files.readAllBytes(entry);
        // one flipped bit anywhere (header, wasm, class bytes, digest), a truncation, an empty file, garbage
        List<byte[]> damaged = new ArrayList<>();
        for (int at : new int[] {3, good.length / 3, good.length / 2, good.length - 40, good.length - 1}) {
            byte[] b = good.clone();
            b[at] ^= 0x10;
            damaged.add(b);
        }
        damaged.add(java.util.Arrays.copyOf(good, good.length / 2));
        damaged.add(new byte[0]);
        damaged.add("not a compiled circuit".getBytes());
        for (byte[] d : damaged) {
            Files.write(entry, d);
            WitnessCalculator c = load();
            assertTrue(c.compiledFrom().startsWith("compiled, cached as "), c.compiledFrom());
            assertArrayEquals(expected, WtnsFile.toBytes(c.calculate(input)));
            assertArrayEquals(good, Files.readAllBytes(entry), "the entry is rewritten whole");
        }
    }

    @Test
    void anEntryOfAnotherWasmOrVersionIsNeverRead() throws IOException {
        load();
        Path entry = onlyEntry();
        // the commitment's entry copied under the name another wasm's entry would have: its recorded digest differs
        byte[] otherWasm = Files.readAllBytes(Artifacts.withdrawWasm());
        String version = CircuitCache.version(FunctionOutliner.DEFAULT_MAX_INSTRUCTIONS, FunctionOutliner.DEFAULT_CHUNK);
        CircuitCache c = new CircuitCache(cache);
        Path foreign = c.entry(CircuitCache.sha256(otherWasm), version);
        Files.copy(entry, foreign);
        assertEquals(null, c.read(CircuitCache.sha256(otherWasm), version));
        // other outliner thresholds are another version: another entry, and the recorded version is checked too
        String other = CircuitCache.version(40, 16);
        assertNotEquals(version, other);
        Files.copy(entry, c.entry(CircuitCache.sha256(wasm), other));
        assertEquals(null, c.read(CircuitCache.sha256(wasm), other));
        assertTrue(c.read(CircuitCache.sha256(wasm), version) != null);
    }

    @Test
    void workersSharingTheDirectoryEachGetAWholeEntry() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<byte[]>> loads = new ArrayList<>();
            for (int i = 0; i < 3; i++) loads.add(() -> WtnsFile.toBytes(load().calculate(input)));
            for (Future<byte[]> f : pool.invokeAll(loads)) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdownNow();
        }
        Path entry = onlyEntry();  // no temporary file left behind
        assertTrue(load().compiledFrom().equals("cache " + entry));
    }

    @Test
    void anUnwritableDirectoryCostsOnlyTheCache() throws IOException {
        Path file = cache.resolve("a-file");
        Files.writeString(file, "x");
        WitnessCalculator c = WitnessCalculator.load(wasm, "commitment.wasm", WitnessCalculator.Options.defaults().withCacheDir(file.resolve("sub")));
        assertTrue(c.compiledFrom().startsWith("compiled; "), c.compiledFrom());
        assertArrayEquals(expected, WtnsFile.toBytes(c.calculate(input)));
    }
}
