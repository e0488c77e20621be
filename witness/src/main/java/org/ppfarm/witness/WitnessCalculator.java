package org.ppfarm.witness;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Function;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.witness.WitnessException.Kind;
import org.ppfarm.witness.wasm.FunctionOutliner;

/**
 * circom 2's witness calculator — the {@code <circuit>_js/<circuit>.wasm} that circom emits and snarkjs runs —
 * executed inside the JVM on Chicory, with the same inputs, results and errors as {@code snarkjs wtns calculate}.
 * The inputs never leave the process: no node, no files.
 *
 * <p>{@link #load} parses, checks and compiles a circuit once (the wasm is first rewritten by
 * {@link FunctionOutliner} so every function fits the JIT, then translated to JVM bytecode); {@link #calculate}
 * then runs each computation on an instance of its own — its own linear memory, bounded by
 * {@link Options#maxMemoryPages()} — which is wiped when the computation ends, successfully or not. A circuit of at
 * most {@link #REUSE_MAX_PAGES} pages of initial memory (both 0xbow circuits: 4 MiB) keeps up to one wiped,
 * re-initialised instance per core for the next computations, and a copy of a new instance's memory to reset them
 * from (so a worker holds up to cores × its initial memory, plus the initial data — 1.1 MiB for the commitment
 * circuit — per resident circuit besides the running computations); a larger one gets a new instance each time.
 * With {@link Options#withCacheDir} the compiled classes are kept on disk ({@code CircuitCache}) and a later load,
 * in this or another process, reads them back instead of compiling again.
 *
 * <p>Recorded programs ({@link WitnessTrace}, {@link WitnessTraces}): when circom's runtime in the wasm is the one
 * {@link TraceRecorder} knows (circom 2.1 and 2.2.3's: the 0xbow circuits, the testkit's), the first computation
 * also records, before it returns (~7 s more for a withdraw witness, ~0.5 s for a commitment one), the straight-line
 * program of field operations that the wasm followed for that input — its constants folded, its copies gone, each branch on a computed value a guard — and later
 * computations replay it in 64-bit Montgomery arithmetic: ~5 ms for a withdraw witness, ~0.15 ms for a commitment
 * one. An input that leaves every recorded path runs the wasm, which decides as before, and records its path (up to
 * {@link WitnessTraces#MAX_VARIANTS} per circuit; the withdraw circuit's depend on its trees' depths and zero
 * siblings). A program takes ~1.1 MiB for the withdraw circuit, ~85 KiB for the commitment one, at most 64 MiB per
 * circuit, and the circuit's wasm is kept to record from (2.4–2.6 MB for the 0xbow circuits); it holds constants and the branch outcomes of the input it was recorded from (such as "this sibling was
 * zero"), never an input value, and lives in memory only. {@link Options#withoutTrace()} turns it off.
 *
 * <p>The protocol with the wasm is snarkjs's (circom_runtime {@code WitnessCalculatorCircom2}): {@code init}; per
 * input signal, its FNV-1a 64-bit name hash split into two i32 halves for {@code getInputSignalSize} and
 * {@code setInputSignal(msb, lsb, index)}, each value written little-endian into the shared read/write window
 * first; the main component runs when the last value is set; then {@code getWitness(i)} leaves signal i, in
 * standard form, in the window.
 *
 * <p>Secrets: the parsed inputs and the instance's whole memory are overwritten with zeros when a computation ends;
 * errors name signals, never values; a circuit's {@code log()} output is dropped. One copy escapes the wiping: when
 * a circuit grows its memory, Chicory copies it into a larger array and leaves the old one to the garbage collector
 * (the 0xbow circuits never grow theirs).
 *
 * <p>Thread safety: a {@code WitnessCalculator} is immutable after {@link #load} (but for a one-way switch to the
 * faster witness reader, its pool of idle instances, and its circuit's recorded programs) and may be shared by any number of threads; computations
 * share no mutable state: an instance serves one computation at a time.
 */
public final class WitnessCalculator {
    /** Settings; {@link #defaults()} suits the farm. */
    public record Options(int maxMemoryPages, boolean compile, List<String> inputNames, Path cacheDir, boolean trace) {
        public Options {
            if (maxMemoryPages < 1 || maxMemoryPages > MemoryLimits.MAX_PAGES) {
                throw new IllegalArgumentException("maxMemoryPages must be in [1, " + MemoryLimits.MAX_PAGES + "]");
            }
            inputNames = inputNames == null ? null : List.copyOf(inputNames);
        }

        /** 1 GiB of wasm memory per computation at most, compiled to bytecode, input names from a .sym file if any, no cache. */
        public static Options defaults() { return new Options(16384, true, null, null, true); }

        /** The circuit's input signal names, so a missing one can be named (circom puts no names in the wasm). */
        public Options withInputNames(Collection<String> names) { return new Options(maxMemoryPages, compile, List.copyOf(names), cacheDir, trace); }

        /** Interpret the wasm instead of compiling it (for comparison; far slower). */
        public Options interpreted() { return new Options(maxMemoryPages, false, inputNames, cacheDir, trace); }

        public Options withMaxMemoryPages(int pages) { return new Options(pages, compile, inputNames, cacheDir, trace); }

        /**
         * Always run the wasm: no {@link WitnessTrace} is recorded or replayed (the plain path, for comparison and
         * for tests of the wasm executor itself).
         */
        public Options withoutTrace() { return new Options(maxMemoryPages, compile, inputNames, cacheDir, false); }

        /**
         * Keep compiled circuits in {@code dir} (created when missing) and load them from there: a restart skips the
         * compilation. Only the farm's own processes may write to it (see {@code CircuitCache}).
         */
        public Options withCacheDir(Path dir) { return new Options(maxMemoryPages, compile, inputNames, dir, trace); }
    }

    /**
     * Circuits whose initial memory is at most this many pages (16 MiB) keep idle instances for reuse (see
     * {@link #release}); larger ones allocate one per computation.
     */
    static final int REUSE_MAX_PAGES = 256;

    private final String name;
    private final WasmModule module;
    private final Function<Instance, Machine> machines;
    private final MemoryLimits memoryLimits;
    private final int sharedMemory;
    private final int witnessSize;
    private final int inputCount;
    /** Known input signals and their sizes (empty when the names are unknown). */
    private final Map<String, Integer> inputSignals;
    /** Reads the witness straight from memory when getWitness has the known shape; null otherwise. */
    private final WitnessReader reader;
    /** How the running code was obtained (see {@link #compiledFrom()}); set by {@link #load} before it returns. */
    private volatile String compiledFrom;
    /** 0: the direct reader is not yet checked against getWitness; 1: checked, agrees; -1: disagreed, not used. */
    private volatile int readerState;
    /** Wiped, re-initialised instances ready for a computation, at most one per core; null when not reused. */
    private final ArrayBlockingQueue<Session> idle;
    /** A new instance's state, which {@link Session#reset} copies back; null when Chicory re-initialises instead. */
    private final InitialState initial;
    /** The wasm as given, which a {@link TraceRecorder} runs; null when traces are off. */
    private final byte[] source;
    /** The circuit's recorded programs, shared in the process; looked up at the first computation. */
    private volatile WitnessTraces traces;
    private final java.util.concurrent.atomic.LongAdder replays = new java.util.concurrent.atomic.LongAdder();

    private WitnessCalculator(String name, WasmModule module, Function<Instance, Machine> machines, MemoryLimits memoryLimits,
                              List<String> candidateNames, String compiledFrom, byte[] source) {
        this.name = name;
        this.source = source;
        this.compiledFrom = compiledFrom;
        this.module = module;
        this.machines = machines;
        this.memoryLimits = memoryLimits;
        this.idle = memoryLimits.initialPages() <= REUSE_MAX_PAGES
                ? new ArrayBlockingQueue<>(Runtime.getRuntime().availableProcessors()) : null;
        Session s = take();
        this.initial = idle == null ? null : InitialState.of(module, s.instance);
        boolean ok = false;
        try {
            ExportFunction version = s.export("getVersion");
            if (version.apply()[0] != 2) throw new FormatException(name, "getVersion", "circom version " + version.apply()[0] + ", only 2 is supported");
            if (s.export("getFieldNumLen32").apply()[0] != 8) throw new FormatException(name, "getFieldNumLen32", "field elements are not 256-bit");
            this.sharedMemory = (int) s.export("getSharedRWMemoryStart").apply()[0];
            s.export("getRawPrime").apply();
            long[] prime = new long[4];
            for (int k = 0; k < 4; k++) prime[k] = s.memory.readLong(sharedMemory + 8 * k);
            BigInteger p = Field.standardToBigInteger(prime, 0);
            if (!p.equals(Field.FR.modulus())) throw new FormatException(name, "getRawPrime", "prime " + p + " is not BN254's scalar field");
            this.witnessSize = (int) s.export("getWitnessSize").apply()[0];
            this.inputCount = (int) s.export("getInputSize").apply()[0];
            for (String e : List.of("init", "setInputSignal", "getInputSignalSize", "getWitness", "getMessageChar")) s.export(e);
            Map<String, Integer> known = new LinkedHashMap<>();
            for (String n : candidateNames) {
                int size = s.inputSignalSize(n);
                if (size > 0) known.put(n, size);
            }
            this.inputSignals = Collections.unmodifiableMap(known);
            this.reader = WitnessReader.detect(module, sharedMemory);
            ok = true;
        } finally {
            release(s, ok);
        }
    }

    /** Loads {@code wasm}; input names come from circom's {@code .sym} beside it ({@code ../<name>.sym} or {@code ./<name>.sym}) if present. */
    public static WitnessCalculator load(Path wasm) {
        return load(wasm, Options.defaults());
    }

    public static WitnessCalculator load(Path wasm, Options options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(wasm);
        } catch (IOException e) {
            throw new FormatException(wasm.toString(), "file", "cannot read: " + e.getMessage(), e);
        }
        if (options.inputNames() == null) {
            List<String> names = SymFile.mainSignalNames(wasm);
            if (names != null) options = options.withInputNames(names);
        }
        return load(bytes, wasm.toString(), options);
    }

    /** Loads a circuit from its wasm bytes; {@code name} identifies it in errors (e.g. "withdraw.wasm"). */
    public static WitnessCalculator load(byte[] wasm, String name) {
        return load(wasm, name, Options.defaults());
    }

    public static WitnessCalculator load(byte[] wasm, String name, Options options) {
        return load(wasm, name, options, FunctionOutliner.DEFAULT_MAX_INSTRUCTIONS, FunctionOutliner.DEFAULT_CHUNK);
    }

    /** With the outliner's thresholds chosen (tests force heavy outlining with small ones). */
    static WitnessCalculator load(byte[] wasm, String name, Options options, int outlineAbove, int outlineChunk) {
        CircuitCache cache = options.compile() && options.cacheDir() != null ? new CircuitCache(options.cacheDir()) : null;
        byte[] digest = cache == null ? null : CircuitCache.sha256(wasm);
        String version = cache == null ? null : CircuitCache.version(outlineAbove, outlineChunk);
        if (cache != null) {
            CompiledCircuit cached = cache.read(digest, version);
            if (cached != null) {
                try {
                    WasmModule module = Parser.parse(cached.wasm);
                    return create(name, module, cached.machines(module), options, "cache " + cache.entry(digest, version), wasm);
                } catch (RuntimeException | LinkageError e) {
                    // an entry that only loaded before could fail here, so it is not this code's: compile afresh
                    // (which reports any real problem with the circuit) and replace it
                }
            }
        }
        WasmModule parsed;
        try {
            parsed = Parser.parse(wasm);
        } catch (ChicoryException e) {
            throw new FormatException(name, "module", "not a valid WebAssembly module: " + e.getMessage(), e);
        }
        checkShape(parsed, name);
        if (!options.compile()) return create(name, parsed, InterpreterMachine::new, options, "interpreted", wasm);
        CompiledCircuit compiled = CompiledCircuit.compile(wasm, parsed, outlineAbove, outlineChunk);
        WasmModule module = compiled.wasm == wasm ? parsed : Parser.parse(compiled.wasm);
        WitnessCalculator calc = create(name, module, compiled.machines(module), options, "compiled", wasm);
        if (cache == null) return calc;
        String failed = cache.write(digest, version, compiled);
        calc.compiledFrom = failed == null ? "compiled, cached as " + cache.entry(digest, version) : "compiled; " + failed;
        return calc;
    }

    /** What the rest takes for granted: circom's runtime imports only, and one memory. */
    private static void checkShape(WasmModule module, String name) {
        CircomRuntime.checkImports(module, name);
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() != 1) {
            throw new FormatException(name, "memory", "a circom 2 witness calculator defines exactly one memory");
        }
    }

    private static WitnessCalculator create(String name, WasmModule module, Function<Instance, Machine> machines, Options options,
                                            String compiledFrom, byte[] wasm) {
        checkShape(module, name);
        int initial = module.memorySection().get().getMemory(0).limits().initialPages();
        // every computation allocates the initial memory at once: a module declaring more than the limit is refused
        // here, not by an allocation of up to 4 GiB per computation
        if (initial > options.maxMemoryPages())
            throw new FormatException(name, "memory", "declares " + initial + " initial pages (" + (initial / 16) + " MiB) of memory, over the limit of "
                    + options.maxMemoryPages() + " pages (" + (options.maxMemoryPages() / 16) + " MiB)");
        MemoryLimits limits = new MemoryLimits(initial, options.maxMemoryPages());
        return new WitnessCalculator(name, module, machines, limits,
                options.inputNames() == null ? List.of() : options.inputNames(), compiledFrom, options.trace() ? wasm : null);
    }

    /** Computes the witness for a JSON input document (UTF-8); see {@link CircuitInputs} for what is accepted. */
    public Witness calculate(byte[] inputJson) {
        try (CircuitInputs in = CircuitInputs.parseJson(inputJson, "input")) {
            return calculate(in);
        }
    }

    public Witness calculate(String inputJson) {
        try (CircuitInputs in = CircuitInputs.parseJson(inputJson, "input")) {
            return calculate(in);
        }
    }

    /** From Java values (see {@link CircuitInputs#of}). */
    public Witness calculate(Map<String, ?> inputs) {
        try (CircuitInputs in = CircuitInputs.of(inputs, "input")) {
            return calculate(in);
        }
    }

    /**
     * Computes the witness. The caller keeps ownership of {@code inputs} (and should zeroize it); the returned
     * witness is the caller's to {@link Witness#zeroize()}.
     *
     * <p>Once the circuit has a recorded program ({@link WitnessTrace}: the first computation records one, when
     * circom's runtime in the wasm is the one {@link TraceRecorder} knows), a computation replays it; inputs that
     * leave every recorded path run the wasm, and record theirs (see {@link WitnessTraces}).
     *
     * @throws WitnessException for any problem with the inputs or the computation; nothing partial is returned
     */
    public Witness calculate(CircuitInputs inputs) {
        WitnessTraces t = traces();
        if (t != null) {
            long[] w = t.replay(inputs);
            if (w != null) {
                replays.increment();
                return Witness.ofStandardLimbs(w, name);
            }
        }
        Witness result = calculatePlain(inputs);
        if (t != null) t.recordFrom(inputs, result, sharedMemory, witnessSize);
        return result;
    }

    private WitnessTraces traces() {
        WitnessTraces t = traces;
        if (t == null && source != null) traces = t = WitnessTraces.of(source, name);
        return t;
    }

    /**
     * Whether computations replay recorded programs ("traced: ..."), or run the wasm and why ("not recorded yet",
     * "recording", "off", "plain: &lt;why&gt;").
     */
    public String traceStatus() {
        WitnessTraces t = traces();
        return t == null ? "off" : t.status();
    }

    /**
     * Waits while another thread records a program of this circuit, or until one has been recorded; true when the
     * circuit has a program.
     */
    public boolean awaitTrace(java.time.Duration timeout) throws InterruptedException {
        WitnessTraces t = traces();
        return t != null && t.await(timeout.toMillis());
    }

    /** Computations answered by the trace so far. */
    long replays() { return replays.sum(); }

    /** The wasm's path: every computation before a trace, or that leaves it. */
    private Witness calculatePlain(CircuitInputs inputs) {
        Session s = take();
        long[] w = null;
        boolean completed = false;
        try {
            // shapes first, so a malformed document is reported as such before anything runs
            int given = 0;
            for (String signal : inputs.names()) {
                int size = s.inputSignalSize(signal);
                int count = inputs.count(signal);
                if (size <= 0) {
                    throw new WitnessException(Kind.UNKNOWN_SIGNAL, signal, name + ": " + inputs.source() + ": signal " + signal
                            + " is not an input of the circuit");
                }
                if (count != size) {
                    throw new WitnessException(Kind.WRONG_LENGTH, signal, name + ": " + inputs.source() + ": signal " + signal
                            + " has " + count + " value" + (count == 1 ? "" : "s") + ", the circuit expects " + size);
                }
                given += count;
            }
            if (given < inputCount) throw missing(inputs, given);

            s.export("init").apply(0);
            ExportFunction set = s.export("setInputSignal");
            for (String signal : inputs.names()) {
                long h = fnv1a(signal);
                long[] v = inputs.limbs(signal);
                for (int i = 0; 4 * i < v.length; i++) {
                    for (int k = 0; k < 4; k++) s.memory.writeLong(sharedMemory + 8 * k, v[4 * i + k]);
                    set.apply(h >>> 32, h & 0xffffffffL, i);
                }
            }

            w = readWitness(s);
            Witness result = Witness.ofStandardLimbs(w, name);
            w = null;
            completed = true;
            return result;
        } catch (CircomRuntime.Abort a) {
            throw failure(a);
        } catch (ChicoryInterruptedException e) {
            throw e;
        } catch (ChicoryException | StackOverflowError e) {
            throw failure(e);
        } catch (RuntimeException e) {
            // a host exception may arrive wrapped by the runtime
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof CircomRuntime.Abort a) throw failure(a);
            }
            throw e;
        } finally {
            if (w != null) java.util.Arrays.fill(w, 0L);
            release(s, completed);
        }
    }

    private long[] readWitness(Session s) {
        ExportFunction get = s.export("getWitness");
        long[] w = new long[4 * witnessSize];
        int state = readerState;
        if (reader == null || state < 0) {
            for (int i = 0; i < witnessSize; i++) WitnessReader.readViaExport(get, s.memory, sharedMemory, i, w);
            return w;
        }
        boolean agree = true;
        for (int i = 0; i < witnessSize; i++) {
            if (!reader.read(s.memory, i, w)) {
                WitnessReader.readViaExport(get, s.memory, sharedMemory, i, w);
            } else if (state == 0) {
                get.apply(i);
                for (int k = 0; k < 4; k++) {
                    long v = s.memory.readLong(sharedMemory + 8 * k);
                    if (v != w[4 * i + k]) agree = false;
                    w[4 * i + k] = v;
                }
            }
        }
        if (state == 0) readerState = agree ? 1 : -1;
        return w;
    }

    /** An idle instance, or a new one. */
    private Session take() {
        Session s = idle == null ? null : idle.poll();
        return s != null ? s : new Session();
    }

    /**
     * Ends the use of {@code s}; its whole memory is overwritten either way. After a computation that ran to its
     * end, the instance of a small circuit whose memory did not grow is returned to the state of a new one (see
     * {@link InitialState}) and kept for the next computation, so a commitment-sized witness does not pay for
     * allocating and initialising megabytes; an instance whose computation failed is wiped and dropped, whatever
     * state the wasm was left in.
     */
    private void release(Session s, boolean completed) {
        if (completed && idle != null && s.memory.pages() == memoryLimits.initialPages()) {
            try {
                s.reset();
                idle.offer(s);  // when every core already has one, this one is dropped (its memory is wiped)
                return;
            } catch (RuntimeException e) {
                // not reusable after all: wiped and dropped below
            }
        }
        s.wipe();
    }

    /** Copies of the idle instances' memories, and of a new instance's, for tests of the wiping. */
    List<byte[]> idleMemories() {
        List<byte[]> out = new ArrayList<>();
        if (idle != null) for (Session s : idle) out.add(s.memory.readBytes(0, s.memory.pages() * Memory.PAGE_SIZE));
        return out;
    }

    byte[] newMemory() {
        Session s = new Session();
        try {
            return s.memory.readBytes(0, s.memory.pages() * Memory.PAGE_SIZE);
        } finally {
            s.wipe();
        }
    }

    /** True once the witness is read straight from memory (checked against getWitness on the first computation). */
    boolean readsWitnessDirectly() { return readerState == 1; }

    /**
     * Where the running code came from, for the operator's log: "interpreted", "compiled", "compiled, cached as
     * &lt;file&gt;", "compiled; &lt;why it was not cached&gt;" or "cache &lt;file&gt;".
     */
    public String compiledFrom() { return compiledFrom; }

    /** The circuit's name as given to {@link #load} (its path, or the name passed with the bytes). */
    public String name() { return name; }

    /** Number of witness values (signal 0 is the constant 1). */
    public int witnessSize() { return witnessSize; }

    /** Number of input values the circuit takes (array elements counted one by one). */
    public int inputCount() { return inputCount; }

    /** Values the input signal takes (1 for a scalar, the flattened length for an array), or 0 if it is not an input. */
    public int inputSize(String signal) {
        Integer known = inputSignals.get(signal);
        if (known != null) return known;
        Session s = take();
        boolean ok = false;
        try {
            int size = Math.max(0, s.inputSignalSize(signal));
            ok = true;
            return size;
        } finally {
            release(s, ok);
        }
    }

    /** Input signals whose names are known (from the .sym file or {@link Options#withInputNames}), with sizes, in order. */
    public Map<String, Integer> inputSignals() { return inputSignals; }

    @Override public String toString() {
        return "WitnessCalculator[" + name + ": " + witnessSize + " signals, " + inputCount + " input values]";
    }

    private WitnessException missing(CircuitInputs inputs, int given) {
        List<String> absent = new ArrayList<>();
        for (String n : inputSignals.keySet()) if (inputs.count(n) < 0) absent.add(n);
        String which = absent.isEmpty()
                ? "an input signal is missing (the circuit's input names are unknown: give its .sym file to name it)"
                : (absent.size() == 1 ? "input signal " + absent.getFirst() + " is missing" : "input signals " + String.join(", ", absent) + " are missing");
        return new WitnessException(Kind.MISSING_SIGNAL, absent.isEmpty() ? null : absent.getFirst(),
                name + ": " + inputs.source() + ": " + which + " (" + given + " of " + inputCount + " input values given)");
    }

    private WitnessException failure(CircomRuntime.Abort a) {
        String where = String.join("; ", a.circomText.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        String detail = CircomRuntime.describe(a.code) + (where.isEmpty() ? "" : " " + where);
        return switch (a.code) {
            case 4 -> new WitnessException(Kind.CONSTRAINT_FAILED, null, name + ": constraint failed: " + detail, a);
            case 5 -> new WitnessException(Kind.MEMORY_LIMIT, null, name + ": the circuit needs more than "
                    + (memoryLimits.maximumPages() / 16) + " MiB of wasm memory: " + detail, a);
            default -> new WitnessException(Kind.CIRCUIT_ERROR, null, name + ": circom runtime error " + a.code + ": " + detail, a);
        };
    }

    private WitnessException failure(Throwable e) {
        String what = e instanceof StackOverflowError ? "call stack exhausted" : e.getMessage();
        return new WitnessException(Kind.CIRCUIT_ERROR, null, name + ": the circuit's wasm failed: " + what, e);
    }

    /** FNV-1a 64 over the name's UTF-16 code units, as circom_runtime's fnvHash. */
    static long fnv1a(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** One instance of the circuit: its own memory and runtime state, for one computation. */
    private final class Session {
        final CircomRuntime runtime = new CircomRuntime();
        final Instance instance;
        final Memory memory;

        Session() {
            instance = Instance.builder(module)
                    .withImportValues(runtime.imports(module))
                    .withMachineFactory(machines)
                    .withMemoryLimits(memoryLimits)
                    .withMemoryFactory(ByteArrayMemory::new)
                    .build();
            memory = instance.memory();
        }

        ExportFunction export(String e) {
            try {
                return instance.export(e);
            } catch (ChicoryException x) {
                throw new FormatException(name, "exports", "no export " + e + ": not a circom 2 witness calculator", x);
            }
        }

        int inputSignalSize(String signal) {
            long h = fnv1a(signal);
            return (int) export("getInputSignalSize").apply(h >>> 32, h & 0xffffffffL)[0];
        }

        /** Overwrites the whole linear memory (inputs, intermediate signals, the witness) before it is dropped. */
        void wipe() {
            memory.zero();
        }

        /** Overwrites the memory and puts the instance back in its state at instantiation, for another computation. */
        void reset() {
            if (initial != null) initial.restore(instance);
            else instance.initialize(true);  // memory.zero(), then data segments, globals and tables, as when it was built
            runtime.reset();
        }
    }

    /**
     * What a new instance holds — its memory up to the last non-zero byte, its mutable globals, its tables' entries —
     * copied back over a used instance of the same module. Chicory's {@code initialize(true)} does the same from the
     * module (zero the memory, then evaluate and copy every data segment, global and element segment again), ~5 times
     * slower for the commitment circuit's 1.8 MiB (issue 19): a copy of ~1.1 MiB and a fill of the rest instead.
     * Modules whose state a snapshot cannot capture — passive data or element segments (droppable), v128 globals —
     * get {@link #of} null and the plain re-initialisation.
     */
    static final class InitialState {
        private final byte[] memory;
        private final int[] globals;
        private final long[] globalValues;
        private final int[][] tableRefs;
        /** Per table entry: the instance its function belongs to, unless {@link #tableOwn} (or no function). */
        private final Instance[][] tableInstances;
        /** Per table entry: a function of the instance itself, set back as the used instance's own. */
        private final boolean[][] tableOwn;

        private InitialState(byte[] memory, int[] globals, long[] globalValues, int[][] tableRefs, Instance[][] tableInstances,
                             boolean[][] tableOwn) {
            this.memory = memory;
            this.globals = globals;
            this.globalValues = globalValues;
            this.tableRefs = tableRefs;
            this.tableInstances = tableInstances;
            this.tableOwn = tableOwn;
        }

        /** The state of {@code fresh}, a new instance of {@code module} on which nothing has run; null when not capturable. */
        static InitialState of(WasmModule module, Instance fresh) {
            for (var d : module.dataSection().dataSegments()) if (!(d instanceof ActiveDataSegment)) return null;
            for (var e : module.elementSection().elements()) if (!(e instanceof ActiveElement)) return null;
            int importedGlobals = module.importSection().count(ExternalType.GLOBAL);
            int importedTables = module.importSection().count(ExternalType.TABLE);
            List<Integer> mutable = new ArrayList<>();
            for (int g = 0; g < module.globalSection().globalCount(); g++) {
                var global = module.globalSection().getGlobal(g);
                if (global.valueType().equals(ValType.V128)) return null;
                if (global.mutabilityType() == MutabilityType.Var) mutable.add(importedGlobals + g);
            }
            int[] globals = mutable.stream().mapToInt(Integer::intValue).toArray();
            long[] values = new long[globals.length];
            for (int i = 0; i < globals.length; i++) values[i] = fresh.global(globals[i]).getValue();
            int tables = module.tableSection().tableCount();
            int[][] refs = new int[tables][];
            Instance[][] owners = new Instance[tables][];
            boolean[][] own = new boolean[tables][];
            for (int t = 0; t < tables; t++) {
                var table = fresh.table(importedTables + t);
                refs[t] = new int[table.size()];
                owners[t] = new Instance[table.size()];
                own[t] = new boolean[table.size()];
                for (int i = 0; i < refs[t].length; i++) {
                    refs[t][i] = table.ref(i);
                    own[t][i] = table.instance(i) == fresh;  // not kept: the used instance's own is set back
                    owners[t][i] = own[t][i] ? null : table.instance(i);
                }
            }
            Memory memory = fresh.memory();
            byte[] bytes = memory.readBytes(0, memory.pages() * Memory.PAGE_SIZE);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0) end--;
            return new InitialState(java.util.Arrays.copyOf(bytes, end), globals, values, refs, owners, own);
        }

        /** Puts {@code used} (an instance of the same module, its memory at the initial size) back in the captured state. */
        void restore(Instance used) {
            Memory m = used.memory();
            int size = m.pages() * Memory.PAGE_SIZE;
            if (size < memory.length) throw new IllegalStateException("memory smaller than at instantiation");
            m.write(0, memory);
            m.fill((byte) 0, memory.length, size);
            for (int i = 0; i < globals.length; i++) used.global(globals[i]).setValue(globalValues[i]);
            int importedTables = used.module().importSection().count(ExternalType.TABLE);
            for (int t = 0; t < tableRefs.length; t++) {
                var table = used.table(importedTables + t);
                if (table.size() != tableRefs[t].length) throw new IllegalStateException("table " + t + " changed size");
                for (int i = 0; i < tableRefs[t].length; i++) {
                    table.setRef(i, tableRefs[t][i], tableOwn[t][i] ? used : tableInstances[t][i]);
                }
            }
        }
    }

    /** circom's {@code .sym} (labelIdx,varIdx,componentIdx,name): the names of main's signals, candidates for inputs. */
    static final class SymFile {
        private SymFile() {}

        static List<String> mainSignalNames(Path wasm) {
            String base = wasm.getFileName().toString().replaceFirst("\\.wasm$", "");
            Path dir = wasm.toAbsolutePath().getParent();
            for (Path p : new Path[] {dir.getParent() == null ? null : dir.getParent().resolve(base + ".sym"), dir.resolve(base + ".sym")}) {
                if (p == null || !Files.isRegularFile(p)) continue;
                try (var lines = Files.lines(p, StandardCharsets.UTF_8)) {
                    return lines.map(l -> {
                        int c = l.indexOf(',', l.indexOf(',', l.indexOf(',') + 1) + 1);
                        if (c < 0 || !l.startsWith("main.", c + 1)) return null;
                        String n = l.substring(c + 6);
                        int cut = n.length();
                        for (char x : new char[] {'[', '.'}) if (n.indexOf(x) >= 0) cut = Math.min(cut, n.indexOf(x));
                        return n.substring(0, cut);
                    }).filter(n -> n != null && !n.isEmpty()).distinct().toList();
                } catch (IOException | java.io.UncheckedIOException e) {
                    return null;
                }
            }
            return null;
        }
    }
}
