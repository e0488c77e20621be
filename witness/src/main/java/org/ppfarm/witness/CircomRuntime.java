package org.ppfarm.witness;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ppfarm.prover.format.FormatException;

/**
 * The host side of circom's witness calculator: the {@code runtime.*} functions a circom 2 wasm imports, as
 * snarkjs's circom_runtime ({@code witness_calculator.js}) implements them.
 *
 * <ul>
 *   <li>{@code exceptionHandler(code)} ends the computation: codes 1–6 are circom's ("Signal not found",
 *       "Too many signals set", "Signal already set", "Assert Failed", "Not enough memory", "Input signal array
 *       access exceeds the size"), and the text the wasm printed before (template and line) goes with it.</li>
 *   <li>{@code printErrorMessage()} appends the wasm's current message (read with {@code getMessageChar}) to that
 *       text: "Error in template X line: N", innermost first.</li>
 *   <li>{@code writeBufferMessage()} and {@code showSharedRWMemory()} carry the circuit's {@code log()} output, which
 *       may print secret signals: the message is consumed and dropped, never logged.</li>
 *   <li>The circom 2.0.0–2.0.6 era names ({@code error}, {@code log}, {@code logGetSignal}, ... {@code printDebug})
 *       are accepted; {@code error} ends the computation like an exception, the others do nothing.</li>
 * </ul>
 * One {@code CircomRuntime} serves one computation at a time (it collects that computation's error text; {@link #reset}
 * between two); not thread-safe.
 */
final class CircomRuntime {
    /** Thrown from {@code exceptionHandler}/{@code error} through the wasm to the caller of the export. */
    static final class Abort extends RuntimeException {
        final int code;
        final String circomText;

        Abort(int code, String circomText) {
            super("circom runtime exception " + code, null, false, false);
            this.code = code;
            this.circomText = circomText;
        }
    }

    private static final Set<String> KNOWN = Set.of("exceptionHandler", "printErrorMessage", "writeBufferMessage",
            "showSharedRWMemory", "error", "log", "logGetSignal", "logSetSignal", "logStartComponent", "logFinishComponent",
            "printDebug");

    /** Longest message read from the wasm; guards against a buffer that is never terminated. */
    private static final int MAX_MESSAGE = 4096;

    private final StringBuilder errors = new StringBuilder();
    private ExportFunction getMessageChar;

    /** Forgets the error text of a computation, before the instance serves another. */
    void reset() {
        errors.setLength(0);
    }

    /** Refuses a module that imports anything other than circom's runtime functions (e.g. circom 1's env.memory). */
    static void checkImports(WasmModule module, String source) {
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!(imp instanceof FunctionImport) || !imp.module().equals("runtime") || !KNOWN.contains(imp.name())) {
                throw new FormatException(source, "imports", "imports " + imp.module() + "." + imp.name()
                        + ", which is not a circom 2 runtime function (only circom 2.x witness calculators are supported)");
            }
        }
    }

    /** Host functions for every import of {@code module}, bound to this computation. */
    ImportValues imports(WasmModule module) {
        List<HostFunction> fns = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            FunctionImport imp = (FunctionImport) module.importSection().getImport(i);
            FunctionType type = module.typeSection().getType(imp.typeIndex());
            fns.add(new HostFunction("runtime", imp.name(), type, switch (imp.name()) {
                case "exceptionHandler" -> (inst, args) -> {
                    throw new Abort((int) args[0], errors.toString());
                };
                case "error" -> (inst, args) -> {
                    throw new Abort((int) args[0], errors.toString());
                };
                case "printErrorMessage" -> (inst, args) -> {
                    errors.append(message(inst)).append('\n');
                    return null;
                };
                case "writeBufferMessage" -> (inst, args) -> {
                    message(inst);  // consumed, dropped: log() output may hold secret values
                    return null;
                };
                default -> (inst, args) -> null;
            }));
        }
        return ImportValues.builder().addFunction(fns.toArray(HostFunction[]::new)).build();
    }

    private String message(Instance inst) {
        if (getMessageChar == null) getMessageChar = inst.export("getMessageChar");
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < MAX_MESSAGE; n++) {
            int c = (int) getMessageChar.apply()[0];
            if (c == 0) break;
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** circom_runtime's text for an exception code. */
    static String describe(int code) {
        return switch (code) {
            case 1 -> "Signal not found.";
            case 2 -> "Too many signals set.";
            case 3 -> "Signal already set.";
            case 4 -> "Assert Failed.";
            case 5 -> "Not enough memory.";
            case 6 -> "Input signal array access exceeds the size.";
            default -> "Unknown error.";
        };
    }
}
