package org.ppfarm.witness.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ppfarm.witness.wasm.WasmBinary.Reader;
import org.ppfarm.witness.wasm.WasmBinary.Sections;

import static org.ppfarm.witness.wasm.WasmBinary.u32;

/**
 * Rewrites a WebAssembly module so that no function body is too large for the JVM, by moving pieces of each large
 * function into new functions of their own ("outlining"). The module computes exactly what it computed before.
 *
 * <p>Why: Chicory compiles each wasm function to one JVM method, and circom emits huge ones — circomlib's
 * {@code POSEIDON_S} (Poseidon round constants) is 128k instructions, a Poseidon template's {@code _run} about 7k.
 * A method over 64 KiB cannot be loaded at all (Chicory then interprets the function), and HotSpot never
 * JIT-compiles a method over 8000 bytes of bytecode ({@code -XX:+DontCompileHugeMethods}), so those functions run
 * in the bytecode interpreter. After outlining every piece is small enough to be JIT-compiled.
 *
 * <p>What is outlined is a run of consecutive instructions of one block (a "group") that
 * <ol>
 *   <li>leaves the operand stack as it found it and never pops a value pushed before the group;</li>
 *   <li>contains whole {@code block/loop/if} constructs only, none branching out of the group, and no
 *       {@code return} or other instruction whose effect on control is not plain fall-through;</li>
 *   <li>touches locals only through {@code local.get/set/tee}.</li>
 * </ol>
 * The group becomes {@code (func (param <every local it touches>) (result <locals it writes that may be read
 * later>))}; in its place go {@code local.get}s of the parameters, the {@code call}, and {@code local.set}s of the
 * results. A local "may be read later" when a {@code local.get} of it follows the group or lies in a loop around the
 * group (the only ways control gets back to an earlier instruction). Traps and host exceptions propagate as before;
 * only the call depth grows.
 *
 * <p>Existing function, type and export indices are unchanged (new types and functions are appended), so the name
 * section, element segments and exports stay valid.
 */
public final class FunctionOutliner {
    private FunctionOutliner() {}

    /** The rewritten module and what was done, for logs. */
    public record Result(byte[] wasm, int functionsSplit, int functionsAdded) {}

    /**
     * Defaults measured on the 0xbow withdraw circuit (docs/benchmarks.md): Chicory emits ~2.8 bytes of bytecode per
     * wasm instruction, so functions over 1000 instructions are split into pieces of ~400 — well under HotSpot's
     * 8000-byte limit. Pieces of 1000/2500 were measurably slower, as were pieces of 100–250 (call overhead).
     */
    public static final int DEFAULT_MAX_INSTRUCTIONS = 1000;
    public static final int DEFAULT_CHUNK = 400;
    /**
     * Smallest group worth a call: a large function's pieces between its {@code if (error) return} checks (circom
     * emits one after every sub-component call) are often short, and all of them must go for the rest to fit.
     */
    static final int MIN_GROUP = 48;
    /**
     * Most locals a group may hand back. Chicory returns one value as a JVM return value but several in a freshly
     * allocated {@code long[]}: in circom's field arithmetic (e.g. {@code Fr_F1m_mul}, 35 i64 locals) a cut that
     * hands back many locals made the witness slower, so only cuts with at most one are taken.
     */
    static final int MAX_RESULTS = 1;
    /**
     * Largest function kept whole rather than cut where a piece would hand back several locals: ~7.3 KB of bytecode
     * at the ~3 bytes per instruction Chicory emits for circom's code (a 2274-instruction {@code MixS} template:
     * 6907 bytes), under HotSpot's 8000-byte limit. The cuts it saves cost a {@code long[]} per call: in the
     * commitment witness the pieces of {@code Fr_F1m_mul} (handing back 20 and 11 locals), {@code Fr_F1m_square} and
     * the 1396-instruction {@code MixS} templates (4 each) spent ~7 % of the time boxing results (issue 19).
     */
    static final int FITS_WHOLE = 2400;

    public static Result outline(byte[] wasm, WasmModule module) {
        return outline(wasm, module, DEFAULT_MAX_INSTRUCTIONS, DEFAULT_CHUNK);
    }

    /**
     * Outlines groups of about {@code chunk} instructions from every function longer than {@code maxInstructions}.
     *
     * @param wasm the module's bytes
     * @param module the same module as Chicory parsed it (instruction addresses index into {@code wasm})
     * @return the rewritten module, or {@code wasm} itself when no function needed it
     */
    public static Result outline(byte[] wasm, WasmModule module, int maxInstructions, int chunk) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int defined = module.codeSection().functionBodyCount();
        Sections sections = Sections.of(wasm);
        int codeSection = sections.find(10);
        if (codeSection < 0) return new Result(wasm, 0, 0);
        Reader code = new Reader(wasm, sections.payloadStart(codeSection));
        if (code.u32() != defined) throw new IllegalArgumentException("code section count differs from the parsed module");
        int[] bodyStart = new int[defined];
        int[] bodyEnd = new int[defined];
        for (int i = 0; i < defined; i++) {
            int size = code.u32();
            bodyStart[i] = code.pos;
            bodyEnd[i] = code.pos + size;
            code.pos += size;
        }

        NewFunctions added = new NewFunctions(module.typeSection().typeCount(), imported + defined);
        byte[][] bodies = new byte[defined][];
        int split = 0;
        for (int d = 0; d < defined; d++) {
            FunctionBody body = module.codeSection().getFunctionBody(d);
            if (body.instructions().size() <= maxInstructions) continue;
            FunctionType type = module.typeSection().getType(module.functionSection().getFunctionType(d));
            List<ValType> locals = new ArrayList<>(type.params());
            locals.addAll(body.localTypes());
            Body b = new Body(wasm, module, imported, body.instructions(), locals, chunk);
            List<Group> groups = b.groups();
            if (groups.isEmpty()) continue;
            bodies[d] = b.rewrite(groups, wasm, bodyStart[d], bodyEnd[d], added);
            split++;
        }
        if (added.bodies.isEmpty()) return new Result(wasm, 0, 0);
        return new Result(WasmBinary.assemble(wasm, sections, defined, bodyStart, bodyEnd, bodies, added), split, added.bodies.size());
    }

    /** A group to outline: instructions [from, to), the locals it passes in, and those it hands back. */
    record Group(int from, int to, List<Integer> params, List<Integer> results) {}

    /** The new types and functions, appended after the module's own. */
    static final class NewFunctions {
        final int firstType;
        final int firstFunction;
        final Map<String, Integer> typeIndex = new LinkedHashMap<>();
        final List<byte[]> types = new ArrayList<>();
        final List<Integer> functionTypes = new ArrayList<>();
        final List<byte[]> bodies = new ArrayList<>();

        NewFunctions(int firstType, int firstFunction) {
            this.firstType = firstType;
            this.firstFunction = firstFunction;
        }

        /** Adds a function; returns its index. */
        int add(List<ValType> params, List<ValType> results, byte[] body) {
            ByteArrayOutputStream sig = new ByteArrayOutputStream();
            sig.write(0x60);
            u32(sig, params.size());
            for (ValType t : params) sig.write(t.opcode());
            u32(sig, results.size());
            for (ValType t : results) sig.write(t.opcode());
            byte[] s = sig.toByteArray();
            int type = typeIndex.computeIfAbsent(HexFormat.of().formatHex(s), k -> {
                types.add(s);
                return firstType + types.size() - 1;
            });
            functionTypes.add(type);
            bodies.add(body);
            return firstFunction + bodies.size() - 1;
        }
    }

    /** One large function body: its block structure, the groups found in it, and the rewrite. */
    static final class Body {
        private final byte[] wasm;
        private final WasmModule module;
        private final int imported;
        private final List<AnnotatedInstruction> ins;
        private final List<ValType> locals;
        private final int chunk;
        /** For a block/loop/if at index i: the index of its matching end (and else, or -1). */
        private final int[] end;
        private final int[] elseAt;
        /** For each local, the (ascending) indices of the instructions that read it. */
        private final int[][] reads;

        Body(byte[] wasm, WasmModule module, int imported, List<AnnotatedInstruction> ins, List<ValType> locals, int chunk) {
            this.wasm = wasm;
            this.module = module;
            this.imported = imported;
            this.ins = ins;
            this.locals = locals;
            this.chunk = chunk;
            this.end = new int[ins.size()];
            this.elseAt = new int[ins.size()];
            java.util.Arrays.fill(elseAt, -1);
            int[] open = new int[ins.size()];
            int depth = 0;
            List<List<Integer>> r = new ArrayList<>();
            for (int l = 0; l < locals.size(); l++) r.add(new ArrayList<>());
            for (int i = 0; i < ins.size(); i++) {
                AnnotatedInstruction in = ins.get(i);
                if (in.opcode() == OpCode.LOCAL_GET && in.operand(0) < locals.size()) r.get((int) in.operand(0)).add(i);
            }
            this.reads = new int[locals.size()][];
            for (int l = 0; l < locals.size(); l++) reads[l] = r.get(l).stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < ins.size(); i++) {
                OpCode op = ins.get(i).opcode();
                if (op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF || op == OpCode.TRY_TABLE) open[depth++] = i;
                else if (op == OpCode.ELSE) elseAt[open[depth - 1]] = i;
                else if (op == OpCode.END && depth > 0) end[open[--depth]] = i;
            }
        }

        List<Group> groups() {
            List<Group> out = new ArrayList<>();
            // the function's own final `end` is not part of its top-level sequence
            sequence(0, ins.size() - 1, new ArrayList<>(), out);
            if (ins.size() <= FITS_WHOLE) out.removeIf(g -> g.results().size() > MAX_RESULTS);
            return out;
        }

        /**
         * Finds groups among the items of the sequence [from, to) (an item is one instruction or one whole
         * construct) and recurses into constructs that could not be taken whole. {@code enclosing} are the constructs
         * around the sequence, outermost first, as [start, end] pairs, for the liveness of written locals.
         */
        private void sequence(int from, int to, List<int[]> enclosing, List<Group> out) {
            int start = -1;      // first instruction of the group being built
            int lastCut = -1;    // latest point since start where the stack was back at the base
            int height = 0;
            Group best = null;   // since the group reached a chunk: the cut handing back the fewest locals
            for (int i = from; i < to; ) {
                int next = isConstruct(i) ? end[i] + 1 : i + 1;
                int[] effect = itemEffect(i);
                boolean tooBig = next - i > chunk;
                if (effect == null || tooBig || (start >= 0 ? height < effect[0] : effect[0] > 0)) {
                    if (start >= 0 && lastCut - start >= MIN_GROUP) emitIfCheap(group(start, lastCut, enclosing), out);
                    start = -1;
                    if (isConstruct(i)) {
                        List<int[]> inner = new ArrayList<>(enclosing);
                        inner.add(new int[] {i, end[i]});
                        if (ins.get(i).opcode() != OpCode.TRY_TABLE) {
                            int e = elseAt[i];
                            sequence(i + 1, e >= 0 ? e : end[i], inner, out);
                            if (e >= 0) sequence(e + 1, end[i], inner, out);
                        }
                    }
                    i = next;
                    continue;
                }
                if (start < 0) {
                    start = i;
                    lastCut = i;
                    height = 0;
                    best = null;
                }
                height += effect[1] - effect[0];
                if (height == 0) {
                    lastCut = next;
                    if (lastCut - start >= chunk) {
                        // cut here if the group hands back at most one local; else look further, up to 3 chunks,
                        // then take the cut that hands back the fewest
                        Group g = group(start, lastCut, enclosing);
                        if (best == null || g.results().size() < best.results().size()) best = g;
                        if (g.results().size() <= MAX_RESULTS) {
                            out.add(g);
                            start = -1;
                        } else if (lastCut - start >= 3 * chunk) {
                            out.add(best);
                            start = -1;
                            i = best.to();  // the items after the chosen cut start the next group (stack at its base there)
                            continue;
                        }
                    }
                }
                i = next;
            }
            if (start >= 0 && lastCut - start >= MIN_GROUP) emitIfCheap(group(start, lastCut, enclosing), out);
        }

        /** A short group is worth a call only if it hands back at most one local; a long one goes out regardless. */
        private void emitIfCheap(Group g, List<Group> out) {
            if (g.results().size() <= MAX_RESULTS || g.to() - g.from() >= chunk) out.add(g);
        }

        private boolean isConstruct(int i) {
            OpCode op = ins.get(i).opcode();
            return op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF || op == OpCode.TRY_TABLE;
        }

        private Group group(int from, int to, List<int[]> enclosing) {
            TreeSet<Integer> touched = new TreeSet<>();
            TreeSet<Integer> written = new TreeSet<>();
            for (int k = from; k < to; k++) {
                OpCode op = ins.get(k).opcode();
                if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                    int l = (int) ins.get(k).operand(0);
                    touched.add(l);
                    if (op != OpCode.LOCAL_GET) written.add(l);
                }
            }
            List<Integer> results = new ArrayList<>();
            for (int l : written) if (liveAt(l, to, enclosing)) results.add(l);
            return new Group(from, to, new ArrayList<>(touched), results);
        }

        /**
         * May {@code local}'s value at instruction {@code at} still be read? Walks forward through the structure:
         * a read says yes; a write, {@code return} or {@code unreachable} says no; a construct that reads it
         * anywhere says yes; the end of a block continues after its construct (an {@code if}'s then-part skips
         * the else-part). At a branch it falls back to {@link #readLater}. Conservative: never "no" wrongly.
         */
        private boolean liveAt(int local, int at, List<int[]> enclosing) {
            int level = enclosing.size();
            for (int i = at; ; ) {
                AnnotatedInstruction in = ins.get(i);
                OpCode op = in.opcode();
                if (isConstruct(i)) {
                    if (reads(local, i, end[i])) return true;
                    i = end[i] + 1;
                    continue;
                }
                switch (op) {
                    case ELSE, END -> {
                        if (level == 0) return false;  // the function's end: locals die
                        i = enclosing.get(--level)[1] + 1;
                        continue;
                    }
                    case LOCAL_GET -> { if (in.operand(0) == local) return true; }
                    case LOCAL_SET, LOCAL_TEE -> { if (in.operand(0) == local) return false; }
                    case RETURN, UNREACHABLE -> { return false; }
                    case BR, BR_IF, BR_TABLE -> { return readLater(local, at, enclosing); }
                    default -> {
                        if (!SIMPLE.containsKey(op) && op != OpCode.CALL && op != OpCode.CALL_INDIRECT && op != OpCode.NOP && op != OpCode.DROP) {
                            return readLater(local, at, enclosing);
                        }
                    }
                }
                i++;
            }
        }

        /** True if some read of {@code local} follows {@code after}, or lies in a loop around it (a branch may go back). */
        private boolean readLater(int local, int after, List<int[]> enclosing) {
            int[] at = reads[local];
            if (at.length > 0 && at[at.length - 1] >= after) return true;
            for (int[] c : enclosing) {
                if (ins.get(c[0]).opcode() == OpCode.LOOP && reads(local, c[0], c[1])) return true;
            }
            return false;
        }

        /** True if an instruction in [from, to] reads {@code local}. */
        private boolean reads(int local, int from, int to) {
            int[] at = reads[local];
            int k = java.util.Arrays.binarySearch(at, from);
            if (k < 0) k = -k - 1;
            return k < at.length && at[k] <= to;
        }

        /** {pops, pushes} of the item at i, or null when it may not be outlined. */
        private int[] itemEffect(int i) {
            AnnotatedInstruction in = ins.get(i);
            OpCode op = in.opcode();
            if (isConstruct(i)) {
                if (op == OpCode.TRY_TABLE || !selfContained(i)) return null;
                int[] bt = blockType(in);
                return op == OpCode.IF ? new int[] {bt[0] + 1, bt[1]} : bt;
            }
            switch (op) {
                case CALL: {
                    FunctionType t = functionType((int) in.operand(0));
                    return new int[] {t.params().size(), t.returns().size()};
                }
                case CALL_INDIRECT: {
                    FunctionType t = module.typeSection().getType((int) in.operand(0));
                    return new int[] {t.params().size() + 1, t.returns().size()};
                }
                case LOCAL_SET: return numericLocal(in) ? new int[] {1, 0} : null;
                case LOCAL_TEE: return numericLocal(in) ? new int[] {1, 1} : null;
                case LOCAL_GET: return numericLocal(in) ? new int[] {0, 1} : null;
                default: return SIMPLE.get(op);
            }
        }

        private boolean numericLocal(AnnotatedInstruction in) {
            int l = (int) in.operand(0);
            return l < locals.size() && isNumeric(locals.get(l));
        }

        /** True when the construct at i only falls through: no branch out of it, no return, nothing unknown. */
        private boolean selfContained(int i) {
            int depth = 0;
            for (int k = i; k <= end[i]; k++) {
                AnnotatedInstruction in = ins.get(k);
                OpCode op = in.opcode();
                switch (op) {
                    case BLOCK, LOOP, IF -> depth++;
                    case END -> depth--;
                    case ELSE, UNREACHABLE, NOP, CALL, CALL_INDIRECT, SELECT_T -> { }
                    case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> { if (!numericLocal(in)) return false; }
                    case BR, BR_IF -> { if (in.operand(0) >= depth) return false; }
                    case BR_TABLE -> {
                        for (long label : in.operands()) if (label >= depth) return false;
                    }
                    default -> { if (!SIMPLE.containsKey(op)) return false; }
                }
            }
            return true;
        }

        /** {params, results} of a block type, read from the instruction's raw bytes. */
        private int[] blockType(AnnotatedInstruction in) {
            int p = in.address() + 1;
            int b = wasm[p] & 0xff;
            if (b == 0x40) return new int[] {0, 0};
            if ((b & 0x80) == 0 && b >= 0x40) return new int[] {0, 1};  // a single value type (one byte, 0x40..0x7f)
            long idx = new Reader(wasm, p).s33();
            FunctionType t = module.typeSection().getType((int) idx);
            return new int[] {t.params().size(), t.returns().size()};
        }

        private FunctionType functionType(int f) {
            if (f < imported) {
                int seen = 0;
                for (int i = 0; i < module.importSection().importCount(); i++) {
                    if (module.importSection().getImport(i) instanceof FunctionImport fi && seen++ == f) {
                        return module.typeSection().getType(fi.typeIndex());
                    }
                }
                throw new IllegalArgumentException("no imported function " + f);
            }
            return module.typeSection().getType(module.functionSection().getFunctionType(f - imported));
        }

        /** The body with each group replaced by a call to a new function (added to {@code added}). */
        byte[] rewrite(List<Group> groups, byte[] wasm, int bodyStart, int bodyEnd, NewFunctions added) {
            groups.sort((a, b) -> Integer.compare(a.from(), b.from()));
            ByteArrayOutputStream out = new ByteArrayOutputStream(bodyEnd - bodyStart);
            out.write(wasm, bodyStart, ins.get(0).address() - bodyStart);  // the locals declaration
            int copied = ins.get(0).address();
            for (Group g : groups) {
                ByteArrayOutputStream fn = new ByteArrayOutputStream();
                fn.write(0);  // no locals beyond the parameters
                for (int k = g.from(); k < g.to(); k++) {
                    AnnotatedInstruction in = ins.get(k);
                    OpCode op = in.opcode();
                    if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                        fn.write(wasm[in.address()]);
                        u32(fn, g.params().indexOf((int) in.operand(0)));
                    } else {
                        fn.write(wasm, in.address(), ins.get(k + 1).address() - in.address());
                    }
                }
                for (int l : g.results()) {
                    fn.write(0x20);
                    u32(fn, g.params().indexOf(l));
                }
                fn.write(0x0b);
                int f = added.add(g.params().stream().map(locals::get).toList(), g.results().stream().map(locals::get).toList(),
                        fn.toByteArray());

                int from = ins.get(g.from()).address();
                out.write(wasm, copied, from - copied);
                for (int l : g.params()) {
                    out.write(0x20);
                    u32(out, l);
                }
                out.write(0x10);
                u32(out, f);
                for (int r = g.results().size() - 1; r >= 0; r--) {
                    out.write(0x21);
                    u32(out, g.results().get(r));
                }
                copied = ins.get(g.to()).address();
            }
            out.write(wasm, copied, bodyEnd - copied);
            return out.toByteArray();
        }
    }

    /** Stack effects {pops, pushes} of the instructions that never affect control or locals. */
    private static final Map<OpCode, int[]> SIMPLE = new EnumMap<>(OpCode.class);

    static {
        for (OpCode op : OpCode.values()) {
            int[] e = simpleEffect(op);
            if (e != null) SIMPLE.put(op, e);
        }
    }

    private static int[] simpleEffect(OpCode op) {
        switch (op) {
            case NOP: return new int[] {0, 0};
            case GLOBAL_GET, MEMORY_SIZE, I32_CONST, I64_CONST, F32_CONST, F64_CONST: return new int[] {0, 1};
            case GLOBAL_SET, DROP: return new int[] {1, 0};
            case SELECT: return new int[] {3, 1};
            case MEMORY_GROW: return new int[] {1, 1};
            default: break;
        }
        String name = op.name();
        // scalar numeric instructions only: SIMD names (I32x4_...) and atomics do not match
        if (!name.matches("[IF](32|64)_[A-Z0-9_]+") || name.contains("ATOMIC")) return null;
        if (name.contains("_LOAD")) return new int[] {1, 1};
        if (name.contains("_STORE")) return new int[] {2, 0};
        if (name.endsWith("_EQZ") || name.endsWith("_CLZ") || name.endsWith("_CTZ") || name.endsWith("_POPCNT")
                || name.endsWith("_ABS") || name.endsWith("_NEG") || name.endsWith("_CEIL") || name.endsWith("_FLOOR")
                || name.endsWith("_NEAREST") || name.endsWith("_SQRT") || name.equals("F32_TRUNC") || name.equals("F64_TRUNC")
                || name.contains("_WRAP_") || name.contains("_EXTEND") || name.contains("_TRUNC_") || name.contains("_CONVERT_")
                || name.contains("_DEMOTE_") || name.contains("_PROMOTE_") || name.contains("_REINTERPRET_")) {
            return new int[] {1, 1};
        }
        if (name.matches("[IF](32|64)_(ADD|SUB|MUL|DIV(_[SU])?|REM_[SU]|AND|OR|XOR|SHL|SHR_[SU]|ROTL|ROTR|EQ|NE|[LG][TE](_[SU])?|MIN|MAX|COPYSIGN)")) {
            return new int[] {2, 1};
        }
        return null;
    }

    private static boolean isNumeric(ValType t) {
        return t.equals(ValType.I32) || t.equals(ValType.I64) || t.equals(ValType.F32) || t.equals(ValType.F64);
    }

}
