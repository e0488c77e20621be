package org.ppfarm.witness.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.BitSet;

/**
 * The functions of a module whose every call ends within a bounded number of instructions, whatever their arguments:
 * no loop, no indirect or tail call, no recursion, and at most {@code limit} instructions counting each call site's
 * callee in full (each runs once: there is no loop). circom's field functions ({@code Fr_mul}, {@code Fr_F1m_mul},
 * …) are such functions; a template's {@code _run}, which loops or calls components through the table, is not.
 *
 * <p>Why: a call to such a function needs no interruption check before it (see {@code InterruptionChecks}): the
 * work it adds between two checks of its caller is bounded by the limit.
 */
public final class BoundedCalls {
    private BoundedCalls() {}

    /** Instructions a bounded call may run at most (with its callees): ~0.1 ms of circom's code. */
    public static final long DEFAULT_LIMIT = 100_000;

    /** The bounded functions by index (imports counted; a host import counts as one instruction). */
    public static BitSet bounded(WasmModule module, long limit) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int defined = module.codeSection().functionBodyCount();
        long[] weight = new long[imported + defined];  // 0: not yet known; -1: unbounded; -2: being computed
        for (int f = 0; f < imported; f++) weight[f] = 1;
        BitSet out = new BitSet();
        for (int f = imported; f < imported + defined; f++) {
            if (weight(module, imported, f, limit, weight) > 0) out.set(f);
        }
        return out;
    }

    private static long weight(WasmModule module, int imported, int f, long limit, long[] weight) {
        if (weight[f] != 0) return weight[f] == -2 ? -1 : weight[f];  // -2: a cycle through f, recursion
        weight[f] = -2;
        long w = 0;
        for (AnnotatedInstruction in : module.codeSection().getFunctionBody(f - imported).instructions()) {
            OpCode op = in.opcode();
            long add = 1;
            if (op == OpCode.CALL) {
                int callee = (int) in.operand(0);
                add = callee < 0 || callee >= weight.length ? -1 : weight(module, imported, callee, limit, weight);
                if (add > 0) add++;
            } else if (op == OpCode.LOOP || op.name().contains("CALL")) {
                add = -1;
            }
            if (add < 0 || (w += add) > limit) {
                w = -1;
                break;
            }
        }
        weight[f] = w;
        return w;
    }
}
