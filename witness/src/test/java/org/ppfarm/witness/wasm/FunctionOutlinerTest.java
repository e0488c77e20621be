package org.ppfarm.witness.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.ppfarm.testkit.Artifacts;

/**
 * The rewrite's structure (its effect on results is tested end to end against snarkjs): large functions shrink,
 * nothing else moves, and a module with nothing to outline comes back as it was.
 */
class FunctionOutlinerTest {
    @Test
    void largeFunctionsShrinkAndExistingIndicesStay() throws Exception {
        byte[] wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        WasmModule before = Parser.parse(wasm);
        FunctionOutliner.Result r = FunctionOutliner.outline(wasm, before);
        assertTrue(r.functionsSplit() > 0 && r.functionsAdded() > r.functionsSplit(), r.toString());
        WasmModule after = Parser.parse(r.wasm());  // parsing validates every body, old and new

        int defined = before.codeSection().functionBodyCount();
        assertEquals(defined + r.functionsAdded(), after.codeSection().functionBodyCount());
        assertEquals(before.exportSection().exportCount(), after.exportSection().exportCount());
        for (int e = 0; e < before.exportSection().exportCount(); e++) {
            assertEquals(before.exportSection().getExport(e).name(), after.exportSection().getExport(e).name());
            assertEquals(before.exportSection().getExport(e).index(), after.exportSection().getExport(e).index());
        }
        int largestBefore = 0, largestAfter = 0;
        for (int d = 0; d < defined; d++) {
            largestBefore = Math.max(largestBefore, before.codeSection().getFunctionBody(d).instructions().size());
            largestAfter = Math.max(largestAfter, after.codeSection().getFunctionBody(d).instructions().size());
            assertEquals(before.functionSection().getFunctionType(d), after.functionSection().getFunctionType(d));
        }
        for (int d = defined; d < after.codeSection().functionBodyCount(); d++) {
            largestAfter = Math.max(largestAfter, after.codeSection().getFunctionBody(d).instructions().size());
        }
        // circomlib's POSEIDON_S: ~128k instructions before. After, the largest is a Poseidon template's skeleton of
        // error checks (~2.8k instructions, ~7.7 KB of bytecode): under HotSpot's 8000-byte JIT limit
        assertTrue(largestBefore > 100_000, "largest before " + largestBefore);
        assertTrue(largestAfter < 2900, "largest after " + largestAfter);
    }

    @Test
    void aModuleWithNothingToOutlineIsReturnedAsIs() throws Exception {
        byte[] wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        FunctionOutliner.Result r = FunctionOutliner.outline(wasm, Parser.parse(wasm), Integer.MAX_VALUE, FunctionOutliner.DEFAULT_CHUNK);
        assertSame(wasm, r.wasm());
        assertEquals(0, r.functionsAdded());
    }
}
