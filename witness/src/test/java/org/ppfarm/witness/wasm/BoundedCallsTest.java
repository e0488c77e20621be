package org.ppfarm.witness.wasm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.OpCode;
import java.nio.file.Files;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.ppfarm.testkit.Artifacts;

/** Which of the commitment circuit's functions finish within a bound: the field functions do, what loops does not. */
class BoundedCallsTest {
    @Test
    void circomsFieldFunctionsAreBoundedAndFunctionsThatLoopAreNot() throws Exception {
        WasmModule m = Parser.parse(Files.readAllBytes(Artifacts.commitmentWasm()));
        int imported = m.importSection().count(ExternalType.FUNCTION);
        BitSet bounded = BoundedCalls.bounded(m, BoundedCalls.DEFAULT_LIMIT);
        for (String f : new String[] {"Fr_mul", "Fr_add", "Fr_F1m_mul", "Fr_copy"}) assertTrue(bounded.get(index(m, f)), f);
        int loops = 0;
        for (int d = 0; d < m.codeSection().functionBodyCount(); d++) {
            if (m.codeSection().getFunctionBody(d).instructions().stream().anyMatch(i -> i.opcode() == OpCode.LOOP)) {
                assertFalse(bounded.get(imported + d), m.nameSection().nameOfFunction(imported + d));
                loops++;
            }
        }
        assertTrue(loops > 0, "the circuit has functions that loop");
        // Fr_F1m_mul alone is ~2000 instructions: a smaller bound leaves it out, and Fr_mul, which calls it
        BitSet tight = BoundedCalls.bounded(m, 1000);
        assertFalse(tight.get(index(m, "Fr_F1m_mul")));
        assertFalse(tight.get(index(m, "Fr_mul")));
        assertTrue(tight.get(index(m, "Fr_copy")));
    }

    private static int index(WasmModule m, String name) {
        int all = m.importSection().count(ExternalType.FUNCTION) + m.codeSection().functionBodyCount();
        for (int f = 0; f < all; f++) if (name.equals(m.nameSection().nameOfFunction(f))) return f;
        throw new AssertionError("no function " + name);
    }
}
