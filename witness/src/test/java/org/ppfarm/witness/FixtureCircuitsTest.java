package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.witness.WitnessException.Kind;

/** The project's shared test circuits (testkit): one public input, many, around a power of two, Poseidon, an assertion. */
class FixtureCircuitsTest {
    @TempDir Path tmp;

    @Test
    void everyFixtureGivesSnarkjsWitness() throws Exception {
        for (TestCircuits.Fixture f : TestCircuits.all()) {
            // the product path (a recorded program once there is one) and the wasm's alone
            WitnessCalculator c = WitnessCalculator.load(f.wasm());
            WitnessCalculator plain = WitnessCalculator.load(f.wasm(), WitnessCalculator.Options.defaults().withoutTrace());
            for (long seed = 1; seed <= 3; seed++) {
                Path in = Files.writeString(tmp.resolve(f.name() + "-" + seed + ".json"), f.input(seed));
                byte[] ref = References.snarkjsWtns(f.wasm(), in);
                assertArrayEquals(ref, WtnsFile.toBytes(c.calculate(f.input(seed))), f.name() + " seed " + seed);
                assertArrayEquals(ref, WtnsFile.toBytes(plain.calculate(f.input(seed))), f.name() + " seed " + seed + ", the wasm");
                c.awaitTrace(java.time.Duration.ofMinutes(1));
            }
            assertTrue(plain.readsWitnessDirectly(), f.name() + ": the direct witness reader is in use");
        }
    }

    @Test
    void theViolatedAssertionIsReportedWithItsTemplateAndLineAsSnarkjsReportsIt() throws Exception {
        Path wasm = TestCircuits.assertion().wasm();
        WitnessCalculator c = WitnessCalculator.load(wasm);
        WitnessException e = assertThrows(WitnessException.class, () -> c.calculate(TestCircuits.violatingInput(3)));
        assertEquals(Kind.CONSTRAINT_FAILED, e.kind());
        int line = TestCircuits.source("assert_mul").lines().toList().indexOf("    a * b === c;") + 1;
        String where = "Error in template AssertMul_0 line: " + line;
        assertTrue(e.getMessage().endsWith(": constraint failed: Assert Failed. " + where), e.getMessage());
        Path in = Files.writeString(tmp.resolve("violating.json"), TestCircuits.violatingInput(3));
        var r = References.snarkjsWtnsResult(wasm, in);
        assertTrue(r.exitCode() != 0 && (r.stderr() + r.stdout()).contains(where), r.stderr());
    }
}
