package org.ppfarm.witness;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppfarm.prover.bn254.Field;

/**
 * Records a {@link WitnessTrace} from one run of a circom 2 witness calculator in Chicory's interpreter.
 *
 * <p>Which code computes on field elements is known only for circom's own runtime: the {@code Fr_*} functions at the
 * start of every witness wasm. {@link #recognise} accepts a module only when those functions are, instruction for
 * instruction, a runtime recorded here ({@link #RUNTIMES}: circom 2.1's and 2.2.3's, the 0xbow and testkit circuits'),
 * with the same constants, and when its {@code setInputSignal} and {@code getWitness} have the known shapes; any other
 * module keeps the plain path.
 *
 * <p>The recording follows every byte of the wasm's memory ({@link TaintMemory}): a byte holds a constant (the
 * module's data, or written by code that read only constants), part of a traced value (an input, or the result of a
 * traced operation), or scratch written inside a runtime function. A call of a runtime function on a traced value
 * becomes an operation of the program ({@link WitnessTrace#apply}, checked against what the wasm computed), a copy
 * becomes an alias, an {@code Fr_isTrue} a guard; a call on constants only runs as it is and writes constants. The
 * recording stops with {@link Untraceable} — and the circuit keeps the plain path — as soon as anything would make
 * the program differ from the wasm on another input: code outside the runtime reading the bytes of a traced value or
 * of the runtime's scratch, a runtime function reading circuit memory other than its operands, a traced operation
 * without a replay here ({@code Fr_toInt} of a traced value, a shift by a traced amount, ...), a module whose calls
 * could reach the runtime indirectly. Everything outside the runtime then depends only on constants and on the
 * guarded branch outcomes, and replays identically. What this takes on trust from circom's runtime, pinned by its
 * fingerprint: each of its functions computes a function of its operands' values (it may convert an operand's
 * representation in place, and keep its own constants and scratch), which every traced call also checks.
 */
final class TraceRecorder {
    /** Why a circuit cannot be traced; the circuit keeps the plain path. */
    static final class Untraceable extends RuntimeException {
        Untraceable(String why) { super(why, null, false, false); }
    }

    /** A circom runtime known here: its fingerprint and where its functions are. */
    private record Runtime(String sha256, int end, Map<Integer, Integer> kinds, int eqR, String setInputSignal, String data, int dataEnd) {}

    // What a runtime function does to the values, for the calls that are traced
    private static final int COPY = 1, COPYN = 2, SAME = 3, UNARY = 4, BINARY = 5, TRUTH = 6;

    private static Map<Integer, Integer> circom21() {
        Map<Integer, Integer> k = new HashMap<>();
        k.put(37, COPY << 8);
        k.put(38, COPYN << 8);
        k.put(39, TRUTH << 8);
        for (int f : new int[] {41, 42, 43}) k.put(f, SAME << 8);   // toMontgomery, toNormal, toLongNormal: in place
        k.put(45, UNARY << 8 | WitnessTrace.NEG);
        k.put(61, UNARY << 8 | WitnessTrace.INV);
        k.put(48, BINARY << 8 | WitnessTrace.ADD);
        k.put(49, BINARY << 8 | WitnessTrace.SUB);
        k.put(52, BINARY << 8 | WitnessTrace.EQ);
        k.put(53, BINARY << 8 | WitnessTrace.NEQ);
        k.put(54, BINARY << 8 | WitnessTrace.GT);
        k.put(55, BINARY << 8 | WitnessTrace.GEQ);
        k.put(56, BINARY << 8 | WitnessTrace.LT);
        k.put(57, BINARY << 8 | WitnessTrace.LEQ);
        k.put(58, BINARY << 8 | WitnessTrace.MUL);
        k.put(62, BINARY << 8 | WitnessTrace.DIV);
        k.put(73, BINARY << 8 | WitnessTrace.SHR);
        k.put(75, BINARY << 8 | WitnessTrace.BAND);
        return Map.copyOf(k);
    }

    /** circom 2.1's (and 2.2's) setInputSignal, as {@link #setInputShapeOf} writes it. */
    private static final String SET_INPUT_SIGNAL_2_1 = " 65,A 40,2,0 33,3 32,3 69 4,64 65,2 16,0 5 32,0 173 66,32 134 32,1 173 132 16,C 34,4"
            + " 69 4,64 65,1 16,0 5 32,2 32,4 40,2,12 79 4,64 65,6 16,0 5 32,4 40,2,8 32,2 106 34,5 65,N 107 16,C 4,64 65,3 16,0 5 32,5"
            + " 65,40 108 65,A 106 33,6 32,6 65,W 16,47 33,7 32,7 54,2,0 32,6 65,0 54,2,4 32,6 65,8 106 16,5 32,6 65,W 16,50 4,64 32,6"
            + " 32,7 54,2,0 32,6 65,0 54,2,4 32,6 65,8 106 16,5 5 32,6 65,W 16,37 11 32,3 65,-1 106 33,3 65,A 32,3 54,2,0 32,3 69 4,64"
            + " 65,A 16,C 34,8 4,64 32,8 16,0 11 11 11 11 11 11 11";

    /**
     * The runtimes known here: circom 2.1's and 2.2.3's, the same code and constants (the 0xbow circuits', the
     * testkit's): function 85 is the first after the runtime; 50 is {@code Fr_eqR}; the runtime's constants end at 1984.
     */
    static final List<Runtime> RUNTIMES = List.of(
            new Runtime("c6064c52427953c25ae0e96432289a6e56c55f986ec116f75d135f37a5d21dc7", 85, circom21(), 50, SET_INPUT_SIGNAL_2_1,
                    "63354de03f14e55dff720983cf1ef8eba09a665942a6909e174f069cac901c76", 1984));

    private static final Field F = Field.FR;

    private final WasmModule module;
    private final String name;
    private final Runtime runtime;
    private final int sharedMemory;
    private final int mainRun;
    private final int witnessList;
    private final int witnessSignals;
    private final int witnessSize;

    private TraceRecorder(WasmModule module, String name, Runtime runtime, int sharedMemory, int mainRun, int witnessList,
                          int witnessSignals, int witnessSize) {
        this.module = module;
        this.name = name;
        this.runtime = runtime;
        this.sharedMemory = sharedMemory;
        this.mainRun = mainRun;
        this.witnessList = witnessList;
        this.witnessSignals = witnessSignals;
        this.witnessSize = witnessSize;
    }

    /**
     * A recorder for {@code module} (the circuit's wasm as written, with its function bodies), or {@link Untraceable}
     * saying why its runtime is not one known here.
     */
    static TraceRecorder recognise(WasmModule module, String name, int sharedMemory, int witnessSize) {
        Runtime rt = null;
        String print = null;
        for (Runtime r : RUNTIMES) {
            print = fingerprint(module, r.end);
            if (r.sha256.equals(print)) rt = r;
        }
        if (rt == null) throw new Untraceable("its circom runtime is not one known here (" + print + ")");
        if (!rt.data.equals(runtimeData(module, rt.dataEnd))) throw new Untraceable("its circom runtime's data is not the known one");
        int imported = module.importSection().count(ExternalType.FUNCTION);
        // no call can reach the runtime but a direct one from code we see: no tail calls or references, no table entry
        for (int f = 0; f < module.codeSection().functionBodyCount(); f++) {
            for (AnnotatedInstruction in : module.codeSection().getFunctionBody(f).instructions()) {
                OpCode o = in.opcode();
                if (o == OpCode.RETURN_CALL || o == OpCode.RETURN_CALL_INDIRECT || o == OpCode.RETURN_CALL_REF || o == OpCode.CALL_REF
                        || o == OpCode.REF_FUNC) {
                    throw new Untraceable("it uses " + o);
                }
            }
        }
        for (int e = 0; e < module.elementSection().elementCount(); e++) {
            for (var init : module.elementSection().getElement(e).initializers()) {
                for (var in : init) {
                    if (in.opcode() == OpCode.REF_FUNC && in.operand(0) < rt.end) throw new Untraceable("a table holds a runtime function");
                }
            }
        }
        for (int x = 0; x < module.exportSection().exportCount(); x++) {
            var ex = module.exportSection().getExport(x);
            if (ex.exportType() == ExternalType.FUNCTION && ex.index() < rt.end) throw new Untraceable("it exports runtime function " + ex.name());
        }
        int mainRun = setInputShape(module, imported, sharedMemory, rt);
        WitnessReader reader = WitnessReader.detect(module, sharedMemory);
        if (reader == null) throw new Untraceable("its getWitness is not the known shape");
        return new TraceRecorder(module, name, rt, sharedMemory, mainRun, reader.list(), reader.signals(), witnessSize);
    }

    /**
     * SHA-256 over the imports and over functions {@code [imports, end)}: types, locals, every instruction with its
     * operands. Two modules with the same print run the same runtime code (with the same memory addresses).
     */
    static String fingerprint(WasmModule module, int end) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            var imp = module.importSection().getImport(i);
            sb.append(imp.module()).append('.').append(imp.name()).append(';');
        }
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (module.codeSection().functionBodyCount() < end - imported) return "too few functions";
        for (int f = imported; f < end; f++) {
            FunctionType t = module.typeSection().getType(module.functionSection().getFunctionType(f - imported));
            sb.append('\n').append(t.params()).append(t.returns());
            FunctionBody body = module.codeSection().getFunctionBody(f - imported);
            sb.append(body.localTypes());
            for (AnnotatedInstruction in : body.instructions()) {
                sb.append(' ').append(in.opcode().opcode());
                for (int k = 0; k < in.operandCount(); k++) sb.append(',').append(in.operand(k));
            }
            md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            sb.setLength(0);
        }
        md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * SHA-256 of the module's initial memory in {@code [8, end)}, where circom's runtime keeps its constants (the
     * prime, Montgomery's R², ...); bytes 0–7 hold the memory stack's pointer, which is the circuit's. Any data
     * segment that is passive or has a computed offset makes it "unknown".
     */
    static String runtimeData(WasmModule module, int end) {
        byte[] mem = new byte[end];
        for (var d : module.dataSection().dataSegments()) {
            if (!(d instanceof com.dylibso.chicory.wasm.types.ActiveDataSegment a)) return "unknown";
            var off = a.offsetInstructions();
            if (off.size() != 1 || off.get(0).opcode() != OpCode.I32_CONST) return "unknown";
            long at = off.get(0).operand(0);
            byte[] data = a.data();
            for (int i = 0; i < data.length; i++) if (at + i >= 8 && at + i < end) mem[(int) (at + i)] = data[i];
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(mem, 8, end));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks {@code setInputSignal} against circom 2.1's (addresses and the main component aside) and returns the
     * main component's run function, which it calls once the last input is set. Its semantics are then known: the
     * value in the shared window's element ({@code shared − 8}) lands in the signal slot passed to {@code Fr_eqR} and
     * {@code Fr_copy}.
     */
    private static int setInputShape(WasmModule module, int imported, int sharedMemory, Runtime rt) {
        Object[] shape = setInputShapeOf(module, imported, sharedMemory, rt.end);
        if (!rt.setInputSignal.equals(shape[0])) throw new Untraceable("its setInputSignal is not the known shape");
        return (Integer) shape[1];
    }

    /** setInputSignal's instructions, the circuit's own addresses and calls masked, and the last function it calls. */
    static Object[] setInputShapeOf(WasmModule module, int imported, int sharedMemory, int runtimeEnd) {
        Integer f = null;
        for (int e = 0; e < module.exportSection().exportCount(); e++) {
            var ex = module.exportSection().getExport(e);
            if (ex.name().equals("setInputSignal") && ex.exportType() == ExternalType.FUNCTION) f = (int) ex.index();
        }
        if (f == null || f < imported) throw new Untraceable("no setInputSignal");
        StringBuilder sb = new StringBuilder();
        int main = -1;
        List<AnnotatedInstruction> body = module.codeSection().getFunctionBody(f - imported).instructions();
        for (int at = 0; at < body.size(); at++) {
            AnnotatedInstruction i = body.get(at);
            sb.append(' ').append(i.opcode().opcode());
            if (i.opcode() == OpCode.I32_CONST && at + 1 < body.size() && body.get(at + 1).opcode() == OpCode.I32_SUB) {
                sb.append(",N");  // the first input's signal index (1 + the outputs), for checkIfInputSignalSet only
            } else if (i.opcode() == OpCode.I32_CONST && i.operand(0) >= 64) {
                // an address of this circuit's (the input counter, the signals, the main component) or the window
                sb.append(i.operand(0) == sharedMemory - 8 ? ",W" : ",A");
            } else if (i.opcode() == OpCode.CALL && i.operand(0) >= runtimeEnd) {
                sb.append(",C");  // circom's support functions (ordinary code, recorded as such) or the main component
                main = (int) i.operand(0);
            } else {
                for (int k = 0; k < i.operandCount(); k++) sb.append(',').append(i.operand(k));
            }
        }
        return new Object[] {sb.toString(), main};
    }
    // ---- recording ----

    /** Tag of a byte: the module's data, untouched. */
    private static final int PRISTINE = 0;
    /** Tag of a byte written by code that read only constants. */
    private static final int CONSTANT = -2;
    // a byte of traced value v at offset o of its 40-byte element: v * 64 + o (> 0); scratch of runtime call e: -3 - e

    /** Bounds on one recording: its run in the interpreter, the wasm memory it follows (4 bytes of tags a byte), the program. */
    static final int MAX_SECONDS = 300;
    static final int MAX_MEMORY_PAGES = 512;
    static final int MAX_VALUES = 1 << 22;
    static final int MAX_OPERATIONS = 1 << 22;

    private long deadline;
    private Memory mem;
    private TaintMemory taint;
    private Recording rec;
    private Machine machine;

    /**
     * Runs the circuit on {@code inputs} in the interpreter and returns the program it followed, or throws
     * {@link Untraceable}, or the wasm's own error ({@link CircomRuntime.Abort}, a trap) for inputs it refuses.
     */
    WitnessTrace record(CircuitInputs inputs) {
        CircomRuntime runtime = new CircomRuntime();
        rec = new Recording();
        deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        Instance instance = Instance.builder(module)
                .withImportValues(runtime.imports(module))
                .withMachineFactory(Machine::new)
                .withMemoryFactory(limits -> taint = new TaintMemory(new ByteArrayMemory(limits)))
                .build();
        mem = instance.memory();
        taint.where = () -> machine == null ? "" : machine.where();
        taint.runtimeDataEnd = this.runtime.dataEnd;
        try {
            taint.armed = true;
            instance.export("init").apply(0);
            var set = instance.export("setInputSignal");
            Map<String, Integer> signature = new LinkedHashMap<>();
            for (String signal : inputs.names()) {
                signature.put(signal, inputs.count(signal));
                long h = WitnessCalculator.fnv1a(signal);
                long[] v = inputs.limbs(signal);
                for (int i = 0; 4 * i < v.length; i++) {
                    for (int k = 0; k < 4; k++) mem.writeLong(sharedMemory + 8 * k, v[4 * i + k]);
                    int id = rec.input(v, 4 * i);
                    taint.tag(sharedMemory - 8, id, 8, 40);
                    rec.setInput = true;
                    rec.dest = -1;
                    set.apply(h >>> 32, h & 0xffffffffL, i);
                    if (rec.setInput) rec.landInput();
                }
            }
            int[] outputs = new int[witnessSize];
            for (int i = 0; i < witnessSize; i++) {
                int addr = witnessSignals + 40 * taint.delegate.readInt(witnessList + 4 * i);
                int id = rec.operand(addr);
                outputs[i] = id;
            }
            return rec.finish(signature, outputs);
        } finally {
            mem.zero();
            if (taint != null) taint.clear();
            rec.clear();
        }
    }

    /** The program being recorded, and the values it has seen (Montgomery form). */
    private final class Recording {
        long[] vals = new long[4 * 1024];
        byte[] kind = new byte[1024];  // 0 constant, 1 input, 2 result
        int ids = 1;                   // id 0 unused: tag 0 is "pristine"
        final HashMap<Quad, Integer> constants = new HashMap<>();
        byte[] op = new byte[1024];
        int[] dst = new int[1024], a = new int[1024], b = new int[1024];
        int ops;
        int epoch;
        boolean setInput;
        int dest;
        int lastInput;

        private int newId(byte k) {
            if (ids == kind.length) {
                if (ids >= MAX_VALUES) throw new Untraceable("more than " + MAX_VALUES + " values");
                kind = Arrays.copyOf(kind, 2 * ids);
                long[] old = vals;
                vals = Arrays.copyOf(vals, 8 * ids);
                Arrays.fill(old, 0L);  // values of the inputs: not left to the garbage collector
            }
            kind[ids] = k;
            return ids++;
        }

        int input(long[] standard, int at) {
            int id = newId((byte) 1);
            F.toMontgomery(standard, at, vals, 4 * id);
            lastInput = id;
            return id;
        }

        int constant(long[] mont) {
            Quad q = new Quad(mont[0], mont[1], mont[2], mont[3]);
            Integer id = constants.get(q);
            if (id != null) return id;
            int n = newId((byte) 0);
            System.arraycopy(mont, 0, vals, 4 * n, 4);
            constants.put(q, n);
            return n;
        }

        /** setInputSignal is about to run the main component (or has returned): the slot it filled holds the input. */
        void landInput() {
            if (dest < 0) throw new Untraceable("setInputSignal filled no slot");
            taint.tag(dest, lastInput, 0, 40);
            setInput = false;
        }

        void emit(byte o, int d, int x, int y) {
            if (ops == op.length) {
                if (ops >= MAX_OPERATIONS) throw new Untraceable("more than " + MAX_OPERATIONS + " operations");
                op = Arrays.copyOf(op, 2 * ops);
                dst = Arrays.copyOf(dst, 2 * ops);
                a = Arrays.copyOf(a, 2 * ops);
                b = Arrays.copyOf(b, 2 * ops);
            }
            op[ops] = o;
            dst[ops] = d;
            a[ops] = x;
            b[ops] = y;
            ops++;
        }

        /**
         * The value of the element at {@code addr}: a traced value's id, or a constant's (interned), from the tags of
         * its bytes (the first 8 of a short element, all 40 of a long one).
         */
        int operand(int addr) {
            Memory m = taint.delegate;
            int type = m.readInt(addr + 4);
            // what the value depends on: a short element's i32 and type, a long one's type and 256 bits
            int from = type < 0 ? 4 : 0, to = type < 0 ? 40 : 8;
            int t0 = taint.tagAt(addr + from);
            if (t0 > 0) {
                int id = t0 >>> 6;
                for (int i = from; i < to; i++) {
                    if (taint.tagAt(addr + i) != id * 64 + i) throw new Untraceable("an element of mixed origin at " + addr + taint.where.get());
                }
                return id;
            }
            for (int i = from; i < to; i++) {
                int t = taint.tagAt(addr + i);
                if (t != PRISTINE && t != CONSTANT) throw new Untraceable("an element of mixed origin at " + addr + taint.where.get());
            }
            return constant(decode(addr));
        }

        /**
         * The element the wasm left at {@code addr}, in Montgomery form, as circom_runtime's {@code getFr} and
         * {@link WitnessReader} read one: short (type bit 31 clear: the signed i32), long in standard form, or long
         * in Montgomery form (bits 31 and 30).
         */
        long[] decode(int addr) {
            Memory m = taint.delegate;
            int type = m.readInt(addr + 4);
            long[] v = new long[4];
            if (type >= 0) {
                FieldParser.fromLong(m.readInt(addr), v, 0);
                F.toMontgomery(v, 0, v, 0);
            } else {
                for (int k = 0; k < 4; k++) v[k] = m.readLong(addr + 8 + 8 * k);
                if (!F.isCanonical(v, 0)) throw new Untraceable("an element not below p at " + addr);
                if ((type & 0x40000000) == 0) F.toMontgomery(v, 0, v, 0);
            }
            return v;
        }

        boolean isConstant(int id) { return kind[id] == 0; }

        /** Whether the element the wasm left at {@code addr} is value {@code id} (the decoded copy is wiped). */
        boolean holds(int addr, int id) {
            long[] v = decode(addr);
            boolean same = Field.equal(v, 0, vals, 4 * id);
            Arrays.fill(v, 0L);
            return same;
        }

        WitnessTrace finish(Map<String, Integer> signature, int[] outputs) {
            // slots: constants, then inputs, then results, each in order of appearance
            int[] slot = new int[ids];
            int n = 0;
            for (byte k = 0; k <= 2; k++) for (int id = 1; id < ids; id++) if (kind[id] == k) slot[id] = n++;
            int c = 0;
            for (int id = 1; id < ids; id++) if (kind[id] == 0) c++;
            long[] consts = new long[4 * c];
            for (int id = 1; id < ids; id++) if (kind[id] == 0) System.arraycopy(vals, 4 * id, consts, 4 * slot[id], 4);
            int[] d = new int[ops], x = new int[ops], y = new int[ops];
            for (int i = 0; i < ops; i++) {
                d[i] = slot[dst[i]];
                x[i] = slot[a[i]];
                y[i] = slot[b[i]];
            }
            int[] out = new int[outputs.length];
            for (int i = 0; i < out.length; i++) out[i] = slot[outputs[i]];
            return new WitnessTrace(Arrays.copyOf(op, ops), d, x, y, consts, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(signature)), n, out);
        }

        void clear() {
            Arrays.fill(vals, 0L);
            constants.clear();
        }
    }

    private record Quad(long a, long b, long c, long d) {}

    /** Chicory's interpreter, with the runtime's calls from circuit code traced. */
    private final class Machine extends InterpreterMachine {
        private int depth;

        Machine(Instance instance) {
            super(instance);
            machine = this;
        }

        /** The function running now, for a refusal's message. */
        String where() {
            var frame = callStack.peek();
            if (frame == null) return "";
            String f = frame.toString();  // "name[index]" then the locals, which may hold a value's limbs: not kept
            int cut = f.indexOf('\n');
            return " (in " + (cut < 0 ? f : f.substring(0, cut)).strip() + ")";
        }

        @Override
        protected void CALL(Operands operands) {
            if (System.nanoTime() > deadline) throw new Untraceable("the recording ran longer than " + MAX_SECONDS + " s");
            int f = (int) operands.get(0);
            Integer kind = f < runtime.end ? runtime.kinds.get(f) : null;
            if (rec.setInput && depth == 0) {
                if (f < runtime.end && f >= 4) {  // a runtime function (the known runtimes import 4 functions)
                    if (f == runtime.eqR) rec.dest = (int) arg(0, 2);
                    taint.unchecked++;
                    rec.epoch++;
                    taint.epoch = rec.epoch;
                    try {
                        nested(operands);
                    } finally {
                        taint.unchecked--;
                    }
                    return;
                }
                if (f == mainRun) rec.landInput();
            }
            if (kind == null || taint.fr > 0 || taint.unchecked > 0) {
                nested(operands);
                return;
            }
            int k = kind >>> 8;
            byte op = (byte) (kind & 0xff);
            int params = k == COPYN || k == BINARY ? 3 : k == COPY || k == UNARY ? 2 : 1;
            int[] p = new int[params];
            for (int i = 0; i < params; i++) p[i] = (int) arg(i, params);
            // the operands' values before the call (the result may overwrite one)
            int n = k == COPYN ? p[2] : 1;
            if (n < 0 || n > (1 << 20)) throw new Untraceable("Fr_copyn of " + n + " elements");
            int[] x;
            int[] ranges;
            switch (k) {
                case COPY, UNARY -> { x = new int[] {rec.operand(p[1])}; ranges = new int[] {p[1], 40}; }
                case COPYN -> {
                    x = new int[n];
                    for (int i = 0; i < n; i++) x[i] = rec.operand(p[1] + 40 * i);
                    ranges = new int[] {p[1], 40 * n};
                }
                case BINARY -> { x = new int[] {rec.operand(p[1]), rec.operand(p[2])}; ranges = new int[] {p[1], 40, p[2], 40}; }
                default -> { x = new int[] {rec.operand(p[0])}; ranges = new int[] {p[0], 40}; }  // SAME, TRUTH
            }
            boolean traced = false;
            for (int id : x) traced |= !rec.isConstant(id);
            int[] srcTags = traced || (k != COPY && k != COPYN) ? null : taint.tagsOf(p[1], 40 * n);
            rec.epoch++;
            taint.epoch = rec.epoch;
            taint.allowed = ranges;
            taint.fr++;
            try {
                nested(operands);
            } finally {
                taint.fr--;
                taint.allowed = null;
            }
            // circom's runtime converts an operand in place (to Montgomery form, to long form): same value, new bytes
            int[] operandAddr = k == COPYN ? null : new int[] {ranges[0], ranges.length > 2 ? ranges[2] : -1};
            if (operandAddr != null) {
                for (int i = 0; i < x.length; i++) {
                    int at = operandAddr[i];
                    if (at < 0 || !taint.writtenNow(at)) continue;
                    // an operand that is also the result (r = a + b in place) now holds the result, tagged below
                    if (k != SAME && at < p[0] + 40 && p[0] < at + 40) continue;
                    if (!rec.holds(at, x[i])) throw new Untraceable("a runtime call changed an operand");
                    taint.settle(at, rec.isConstant(x[i]) ? 0 : x[i]);
                }
            }
            if (!traced) {
                // on constants only: what it wrote is constant, or, for a copy, what it copied
                if (srcTags != null) taint.settle(p[0], srcTags);
                else if (k != TRUTH) taint.settle(p[0], null);
                return;
            }
            switch (k) {
                case COPY -> taint.tag(p[0], x[0], 0, 40);
                case COPYN -> {
                    for (int i = 0; i < n; i++) {
                        if (rec.isConstant(x[i])) taint.fill(p[0] + 40 * i, 40, CONSTANT);
                        else taint.tag(p[0] + 40 * i, x[i], 0, 40);
                    }
                }
                case SAME -> {
                    if (!rec.holds(p[0], x[0])) throw new Untraceable("a conversion changed a value");
                    taint.tag(p[0], x[0], 0, 40);
                }
                case TRUTH -> {
                    boolean real = stack().peek() != 0;
                    if (real == Field.isZero(rec.vals, 4 * x[0])) throw new Untraceable("Fr_isTrue disagrees with the value");
                    rec.emit(real ? WitnessTrace.IS_TRUE : WitnessTrace.IS_FALSE, x[0], x[0], x[0]);
                }
                default -> {
                    int y = k == BINARY ? x[1] : x[0];
                    if (op == WitnessTrace.SHR) {
                        if (!rec.isConstant(y)) throw new Untraceable("a shift by a traced amount");
                        long[] s = new long[4];
                        F.fromMontgomery(rec.vals, 4 * y, s, 0);
                        if ((s[1] | s[2] | s[3]) != 0 || s[0] < 0 || s[0] > 253) throw new Untraceable("a shift by more than 253");
                    }
                    int r = rec.newId((byte) 2);
                    long[] tmp = new long[12];
                    if (!WitnessTrace.apply(op, rec.vals, 4 * r, 4 * x[0], 4 * y, tmp)) throw new Untraceable("an operation outside its replay (a division by zero)");
                    if (!rec.holds(p[0], r)) throw new Untraceable("operation " + op + " disagrees with circom's");
                    rec.emit(op, r, x[0], y);
                    taint.tag(p[0], r, 0, 40);
                }
            }
        }

        private void nested(Operands operands) {
            depth++;
            try {
                super.CALL(operands);
            } finally {
                depth--;
            }
        }

        /** Argument {@code i} of the {@code n} on top of the stack (before the call pops them). */
        private long arg(int i, int n) {
            return stack().array()[stack().size() - n + i];
        }
    }

    /**
     * The interpreter's memory, with a tag per byte (see {@link #PRISTINE}, {@link #CONSTANT}): reads by circuit
     * code of traced bytes, and reads by a traced runtime call of anything but its operands, the module's data and
     * its own scratch, stop the recording.
     */
    private static final class TaintMemory implements Memory {
        final ByteArrayMemory delegate;
        int[] tags;
        boolean armed;
        int fr;
        int unchecked;
        int epoch;
        int[] allowed;
        int runtimeDataEnd;
        java.util.function.Supplier<String> where = () -> "";

        TaintMemory(ByteArrayMemory delegate) {
            if (delegate.pages() > MAX_MEMORY_PAGES) throw new Untraceable("its memory is over " + MAX_MEMORY_PAGES / 16 + " MiB");
            this.delegate = delegate;
            this.tags = new int[delegate.pages() * PAGE_SIZE];
        }

        int tagAt(int addr) { return addr >= 0 && addr < tags.length ? tags[addr] : CONSTANT; }

        void tag(int addr, int id, int from, int to) {
            if (addr < 0 || addr + to > tags.length) throw new Untraceable("an element outside memory");
            for (int o = from; o < to; o++) tags[addr + o] = id * 64 + o;
        }

        void fill(int addr, int len, int t) {
            if (addr < 0 || addr + len > tags.length) throw new Untraceable("an element outside memory");
            Arrays.fill(tags, addr, addr + len, t);
        }

        void clear() { Arrays.fill(tags, 0); }

        /** Whether the running call wrote any of the 40 bytes from {@code addr}. */
        boolean writtenNow(int addr) {
            for (int i = addr; i < addr + 40; i++) if (tags[i] == -3 - epoch) return true;
            return false;
        }

        /** The bytes the running call wrote in the element at {@code addr} are that element's value {@code id} again. */
        void settle(int addr, int id) {
            for (int i = 0; i < 40; i++) {
                if (tags[addr + i] == -3 - epoch) tags[addr + i] = id == 0 ? CONSTANT : id * 64 + i;
            }
        }

        int[] tagsOf(int addr, int len) {
            if (addr < 0 || addr + len > tags.length) throw new Untraceable("an element outside memory");
            return Arrays.copyOfRange(tags, addr, addr + len);
        }

        /**
         * After a runtime call on constants: the bytes it wrote from {@code addr} on (this call's scratch tag) take
         * {@code from}'s tags (a copy's source) or, without {@code from}, become constants (40 bytes: the result).
         */
        void settle(int addr, int[] from) {
            int len = from == null ? 40 : from.length;
            if (addr < 0 || addr + len > tags.length) throw new Untraceable("an element outside memory");
            for (int i = 0; i < len; i++) {
                if (tags[addr + i] == -3 - epoch) tags[addr + i] = from == null ? CONSTANT : from[i];
            }
        }

        private void read(int addr, int len) {
            if (!armed || unchecked > 0 || addr < 0 || addr + len > tags.length) return;
            for (int i = addr; i < addr + len; i++) {
                int t = tags[i];
                if (fr == 0) {
                    if (t > 0 || t <= -3) throw new Untraceable("circuit code reads the bytes of a traced value at " + i + where.get());
                } else if ((t == PRISTINE ? i >= runtimeDataEnd : t > -3) && !inAllowed(i)) {
                    // the runtime's own bytes (the module's data, its scratch, its constants it converted in place)
                    // are its business: each of its functions is a function of its operands' values, which every
                    // traced call checks; what it may not read is circuit memory that is not its operands
                    throw new Untraceable("a runtime function reads memory that is not its operands at " + i + " (tag " + t + ")" + where.get());
                }
            }
        }

        private boolean inAllowed(int i) {
            for (int k = 0; k < allowed.length; k += 2) if (i >= allowed[k] && i < allowed[k] + allowed[k + 1]) return true;
            return false;
        }

        private void write(int addr, int len) {
            if (!armed || addr < 0 || addr + len > tags.length) return;
            Arrays.fill(tags, addr, addr + len, fr > 0 || unchecked > 0 ? -3 - epoch : CONSTANT);
        }

        @Override public int pages() { return delegate.pages(); }
        @Override public int grow(int size) {
            if (delegate.pages() + size > MAX_MEMORY_PAGES) throw new Untraceable("its memory grows over " + MAX_MEMORY_PAGES / 16 + " MiB");
            int r = delegate.grow(size);
            if (r >= 0) tags = Arrays.copyOf(tags, delegate.pages() * PAGE_SIZE);
            return r;
        }
        @Override public int initialPages() { return delegate.initialPages(); }
        @Override public int maximumPages() { return delegate.maximumPages(); }
        @Override public boolean shared() { return false; }
        @Override public Object lock(int address) { return delegate.lock(address); }
        @Override public int waitOn(int address, int expected, long timeout) { return delegate.waitOn(address, expected, timeout); }
        @Override public int waitOn(int address, long expected, long timeout) { return delegate.waitOn(address, expected, timeout); }
        @Override public int notify(int address, int maxThreads) { return delegate.notify(address, maxThreads); }
        @Override public void initialize(Instance instance, DataSegment[] segments) { delegate.initialize(instance, segments); }
        @Override public void initPassiveSegment(int seg, int dest, int offset, int size) {
            write(dest, size);
            delegate.initPassiveSegment(seg, dest, offset, size);
        }
        @Override public void write(int addr, byte[] data, int offset, int size) { write(addr, size); delegate.write(addr, data, offset, size); }
        @Override public byte read(int addr) { read(addr, 1); return delegate.read(addr); }
        @Override public byte[] readBytes(int addr, int len) { read(addr, len); return delegate.readBytes(addr, len); }
        @Override public void writeI32(int addr, int data) { write(addr, 4); delegate.writeI32(addr, data); }
        @Override public int readInt(int addr) { read(addr, 4); return delegate.readInt(addr); }
        @Override public void writeLong(int addr, long data) { write(addr, 8); delegate.writeLong(addr, data); }
        @Override public long readLong(int addr) { read(addr, 8); return delegate.readLong(addr); }
        @Override public void writeShort(int addr, short data) { write(addr, 2); delegate.writeShort(addr, data); }
        @Override public short readShort(int addr) { read(addr, 2); return delegate.readShort(addr); }
        @Override public long readU16(int addr) { read(addr, 2); return delegate.readU16(addr); }
        @Override public void writeByte(int addr, byte data) { write(addr, 1); delegate.writeByte(addr, data); }
        @Override public void writeF32(int addr, float data) { write(addr, 4); delegate.writeF32(addr, data); }
        @Override public long readF32(int addr) { read(addr, 4); return delegate.readF32(addr); }
        @Override public float readFloat(int addr) { read(addr, 4); return delegate.readFloat(addr); }
        @Override public void writeF64(int addr, double data) { write(addr, 8); delegate.writeF64(addr, data); }
        @Override public double readDouble(int addr) { read(addr, 8); return delegate.readDouble(addr); }
        @Override public long readF64(int addr) { read(addr, 8); return delegate.readF64(addr); }
        @Override public void zero() { delegate.zero(); }
        @Override public void fill(byte value, int from, int to) { write(from, to - from); delegate.fill(value, from, to); }
        @Override public void copy(int dest, int src, int size) { read(src, size); write(dest, size); delegate.copy(dest, src, size); }
        @Override public void drop(int segment) { delegate.drop(segment); }
    }
}
