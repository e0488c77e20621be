package org.ppfarm.witness;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;
import org.ppfarm.prover.bn254.Field;

/**
 * Reads the computed witness out of an instance's memory.
 *
 * <p>The portable way is circom's export: {@code getWitness(i)} copies signal i to the shared window and converts
 * it to standard form there ({@code Fr_toLongNormal}), 36 901 calls for a withdraw, most of them a Montgomery
 * reduction in wasm. Every circom 2 {@code getWitness} we know is the same few instructions:
 * <pre>
 *   s    = i32.load(LIST + 4*i)          ;; witness index -> signal index
 *   addr = SIGNALS + 40*s                ;; 40 bytes per element: i32 short | u32 type | 8 x u32 long value
 *   Fr_copy(SHARED - 8, addr); Fr_toLongNormal(SHARED - 8)
 * </pre>
 * and an element is short (type bit 31 clear: the signed i32 is the value), long in standard form (bit 31) or long
 * in Montgomery form (bits 31 and 30), as circom_runtime's {@code getFr} decodes it. When the export matches that
 * shape exactly ({@link #detect}), the witness is read straight from memory and converted with {@link Field} in
 * Java; anything else — another layout, a non-canonical value — goes through {@code getWitness}. The first witness a
 * calculator computes is read both ways and compared, and only if they agree is the direct path used from then on.
 */
final class WitnessReader {
    private final int list;
    private final int signals;

    private WitnessReader(int list, int signals) {
        this.list = list;
        this.signals = signals;
    }

    /** The direct reader for this module, or null when its {@code getWitness} is not the known shape. */
    static WitnessReader detect(WasmModule module, int sharedMemory) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        Integer f = null;
        for (int e = 0; e < module.exportSection().exportCount(); e++) {
            Export ex = module.exportSection().getExport(e);
            if (ex.name().equals("getWitness") && ex.exportType() == ExternalType.FUNCTION) f = (int) ex.index();
        }
        if (f == null || f < imported) return null;
        List<AnnotatedInstruction> in = module.codeSection().getFunctionBody(f - imported).instructions();
        OpCode[] shape = {OpCode.I32_CONST, OpCode.LOCAL_GET, OpCode.I32_CONST, OpCode.I32_SHL, OpCode.I32_ADD, OpCode.I32_LOAD,
                OpCode.I32_CONST, OpCode.I32_MUL, OpCode.I32_CONST, OpCode.I32_ADD, OpCode.LOCAL_SET, OpCode.I32_CONST,
                OpCode.LOCAL_GET, OpCode.CALL, OpCode.I32_CONST, OpCode.CALL, OpCode.END};
        if (in.size() != shape.length) return null;
        for (int k = 0; k < shape.length; k++) if (in.get(k).opcode() != shape[k]) return null;
        boolean ok = in.get(1).operand(0) == 0 && in.get(2).operand(0) == 2 && in.get(5).operand(1) == 0
                && in.get(6).operand(0) == 40 && in.get(10).operand(0) == in.get(12).operand(0)
                && in.get(11).operand(0) == sharedMemory - 8 && in.get(14).operand(0) == sharedMemory - 8;
        return ok ? new WitnessReader((int) in.get(0).operand(0), (int) in.get(8).operand(0)) : null;
    }

    /**
     * Reads witness value {@code i} into {@code w[4i..4i+4)} from memory; false (w untouched) when the element is not
     * in a form this reader converts exactly like circom (the caller then asks {@code getWitness}).
     */
    boolean read(Memory mem, int i, long[] w) {
        int addr = signals + 40 * mem.readInt(list + 4 * i);
        int type = mem.readInt(addr + 4);
        int o = 4 * i;
        if (type < 0) {  // long
            for (int k = 0; k < 4; k++) w[o + k] = mem.readLong(addr + 8 + 8 * k);
            if (!Field.FR.isCanonical(w, o)) {
                FieldParser.zero(w, o);
                return false;
            }
            if ((type & 0x40000000) != 0) Field.FR.fromMontgomery(w, o, w, o);
        } else {
            int v = mem.readInt(addr);
            FieldParser.fromLong(v, w, o);
        }
        return true;
    }

    /** Through the export: getWitness(i), then the shared window. */
    static void readViaExport(ExportFunction getWitness, Memory mem, int sharedMemory, int i, long[] w) {
        getWitness.apply(i);
        for (int k = 0; k < 4; k++) w[4 * i + k] = mem.readLong(sharedMemory + 8 * k);
    }

    /** Where the witness-to-signal index list starts. */
    int list() { return list; }

    /** Where the signals start (40 bytes each). */
    int signals() { return signals; }

    @Override public String toString() { return "WitnessReader[list at " + list + ", signals at " + signals + "]"; }
}
