package org.ppfarm.witness;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.CompilerResult;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.ppfarm.witness.wasm.BoundedCalls;
import org.ppfarm.witness.wasm.FunctionOutliner;
import org.ppfarm.witness.wasm.WasmBinary;

/**
 * A circuit translated to JVM bytecode: the wasm as it runs (after {@link FunctionOutliner}) and the classes Chicory's
 * compiler generated for it, kept as bytes so they can be written to and read back from {@link CircuitCache}.
 *
 * <p>Chicory's public {@code MachineFactoryCompiler} defines the classes it generates at once and keeps no way to get
 * their bytes; its compiler (package {@code internal}, the same code) hands them over when given a byte-collecting
 * class collector; {@link InterruptionChecks} then makes their interruption checks cheaper. Each {@link #machines()}
 * call defines them in a class loader of its own (a child of Chicory's), so two circuits' identically named classes
 * never meet, and a circuit's classes are unloaded with it.
 */
final class CompiledCircuit {
    /** Guards against reading a hostile or corrupt entry into huge arrays; the withdraw circuit needs ~6 MiB in all. */
    private static final int MAX_BYTES = 256 << 20;
    private static final int MAX_CLASSES = 100_000;

    /**
     * The module the classes run with: the wasm they were generated from (outlined when that split anything) with
     * the bodies of compiled functions stubbed out ({@link WasmBinary#stubBodies}; exported functions keep theirs,
     * which the calculator inspects). It parses in a fraction of the time and its parse holds ~6 MiB instead of
     * ~50 MiB of instruction objects for the withdraw circuit.
     */
    final byte[] wasm;
    private final String mainClass;
    private final Map<String, byte[]> classes;

    private CompiledCircuit(byte[] wasm, String mainClass, Map<String, byte[]> classes) {
        this.wasm = wasm;
        this.mainClass = mainClass;
        this.classes = classes;
    }

    /** Outlines {@code wasm} ({@code parsed}: its parse) and compiles it; functions too large for one method are interpreted. */
    static CompiledCircuit compile(byte[] wasm, WasmModule parsed, int outlineAbove, int outlineChunk) {
        FunctionOutliner.Result r = FunctionOutliner.outline(wasm, parsed, outlineAbove, outlineChunk);
        byte[] runs = r.functionsAdded() > 0 ? r.wasm() : wasm;
        WasmModule module = r.functionsAdded() > 0 ? com.dylibso.chicory.wasm.Parser.parse(runs) : parsed;
        CompilerResult result = Compiler.builder(module)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .withClassCollectorFactory(ByteClassCollector::new)
                .build()
                .compile();
        Map<String, byte[]> generated = new LinkedHashMap<>();
        result.classBytes().forEach((n, b) -> generated.put(binaryName(n), b));
        Map<String, byte[]> classes = InterruptionChecks.rewrite(generated, BoundedCalls.bounded(module, BoundedCalls.DEFAULT_LIMIT));
        // an interpreted function needs its body (and the indices Chicory reports are not worth second-guessing)
        byte[] stored = runs;
        if (result.interpretedFunctions().isEmpty()) {
            Set<Integer> exported = new HashSet<>();
            for (int e = 0; e < module.exportSection().exportCount(); e++) {
                Export x = module.exportSection().getExport(e);
                if (x.exportType() == ExternalType.FUNCTION) exported.add((int) x.index());
            }
            stored = WasmBinary.stubBodies(runs, module.importSection().count(ExternalType.FUNCTION), exported);
        }
        return new CompiledCircuit(stored, binaryName(result.collector().mainClassName()), classes);
    }

    /** The collector may name classes internally ({@code a/b/C}); a class loader wants {@code a.b.C}. */
    private static String binaryName(String name) { return name.replace('/', '.'); }

    /** The generated classes, by binary name, as they are defined (for tests). */
    Map<String, byte[]> classes() { return Collections.unmodifiableMap(classes); }

    /** Total size of the generated classes (what a resident circuit holds besides its parsed module). */
    long classBytes() {
        return classes.values().stream().mapToLong(b -> b.length).sum();
    }

    /**
     * Defines the classes and returns the factory of the machine that runs {@code module} (the parse of {@link #wasm}).
     * A class that fails verification (a damaged cache entry that still had a valid digest could only come from a
     * different compiler) surfaces as a {@link LinkageError} here, when the main class is loaded and linked.
     */
    Function<Instance, Machine> machines(WasmModule module) {
        Loader loader = new Loader(classes);
        MethodHandle ctor;
        try {
            Class<?> main = Class.forName(mainClass, true, loader);
            ctor = MethodHandles.publicLookup().findConstructor(main, MethodType.methodType(void.class, Instance.class))
                    .asType(MethodType.methodType(Machine.class, Instance.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("compiled circuit: cannot load its machine class " + mainClass + ": " + e, e);
        }
        return instance -> {
            if (instance.module() != module) throw new IllegalArgumentException("instance of another module");
            try {
                return (Machine) ctor.invokeExact(instance);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(wasm.length);
        out.write(wasm);
        out.writeUTF(mainClass);
        out.writeInt(classes.size());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            out.write(e.getValue());
        }
    }

    /** Reads what {@link #writeTo} wrote; {@link IOException} for anything out of shape. */
    static CompiledCircuit readFrom(DataInputStream in) throws IOException {
        byte[] wasm = bytes(in);
        String main = in.readUTF();
        int n = in.readInt();
        if (n < 1 || n > MAX_CLASSES) throw new IOException("class count " + n);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) classes.put(in.readUTF(), bytes(in));
        if (!classes.containsKey(main)) throw new IOException("main class " + main + " missing");
        return new CompiledCircuit(wasm, main, classes);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_BYTES) throw new IOException("length " + len);
        return in.readNBytes(len);
    }

    /** Defines a circuit's generated classes on first use; everything else comes from Chicory's loader. */
    private static final class Loader extends ClassLoader {
        static { registerAsParallelCapable(); }

        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super("chicory-circuit", Compiler.class.getClassLoader());
            this.classes = Collections.unmodifiableMap(classes);
        }

        @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }
}
