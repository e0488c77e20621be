package org.ppfarm.witness.circom;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Recognises the BN254 field functions that circom's code generator puts into every circom 2 wasm of this prime
 * ({@code code_producers/src/wasm_elements/bn128/fr-code.wat}: {@code Fr_F1m_mul}, {@code Fr_copy}, …) and has the
 * methods Chicory compiled from them call {@link FrKernels} first: ppfarm's 64-bit arithmetic instead of circom's
 * 32-bit words, each access through a bounds check of its own (issue 19: these functions took over half of the
 * withdraw witness's time, docs/benchmarks.md).
 *
 * <p>A function is recognised by the SHA-256 of its type, locals and instructions with the targets of its
 * {@code call}s masked (function indices shift with a circuit's imports and templates); the functions it calls must
 * be recognised as the ones circom's code calls there, and the module's data must put BN254's r at
 * {@link FrKernels#P_AT}, where circom's code reads its modulus. Any other body, prime or circom version: nothing
 * recognised, the plain compiled code. A recognised function's method is renamed {@code <name>$plain} and a method
 * of its old name calls the kernel, and the plain method when the kernel hands the call back (see
 * {@link FrKernels}); so every call circom's code makes, direct or indirect, gets the same memory and value it
 * would have got.
 */
public final class FrFunctions {
    /** The functions replaced: the kernel's name, the digest of circom's body and the kinds it calls, in order. */
    public enum Kind {
        INT_GTE("intGte", "06b03ba5576ba6a17fee9a3ea1badb3b8560e33731876fc1b3e0bd4504ea3f5c"),
        INT_ADD("intAdd", "2afffa8ba6535fd040528112817d33ffa7b62283395c6fd779fc271114a5741a"),
        INT_SUB("intSub", "7880c906a345a3b0619cc43c070af02f21c2414266e40a3aa5e4ac71f1af43ee"),
        F1M_ADD("f1mAdd", "3f686831201854d67640d2a38f6ec882fd5e30639f7d6059531f34f6b3a2a254", INT_ADD, INT_SUB, INT_GTE, INT_SUB),
        F1M_SUB("f1mSub", "fe5625a9d3b5195ed8335800db4fcb7e49a6e6655850f30796dd88012c3339ce", INT_SUB, INT_ADD),
        F1M_MUL("f1mMul", "096e276c0955a9552255d4937e681fa974199236813931902f38c1bfec7b2321", INT_SUB, INT_GTE, INT_SUB),
        F1M_MREDUCT("mReduct", "15162ea4872d83006cf89722407ee6c341564f33401e8874dfc2d0543cc7c950", F1M_ADD),
        COPY("copy", "68ac9c34b8a1d94d3a33c2632fb4b46570650b83b2b970d4c41f95757de5c204");

        final String kernel;
        final String digest;
        final List<Kind> callees;

        Kind(String kernel, String digest, Kind... callees) {
            this.kernel = kernel;
            this.digest = digest;
            this.callees = List.of(callees);
        }
    }

    private static final String KERNELS = Type.getInternalName(FrKernels.class);
    private static final String MEMORY = "com/dylibso/chicory/runtime/Memory";
    private static final String INSTANCE = "com/dylibso/chicory/runtime/Instance";
    /** Chicory's name for the method of function {@code i} (its {@code CompilerUtil.methodNameForFunc}). */
    private static final String METHOD_PREFIX = "func_";
    private static final String PLAIN_SUFFIX = "$plain";

    private FrFunctions() {}

    /** The recognised functions of {@code module}, by function index (imports counted), in index order. */
    public static Map<Integer, Kind> recognise(WasmModule module) {
        if (!modulusAtPAt(module)) return Map.of();
        Map<String, Kind> byDigest = new HashMap<>();
        for (Kind k : Kind.values()) byDigest.put(k.digest, k);
        int imports = module.importSection().count(ExternalType.FUNCTION);
        Map<Integer, Kind> candidates = new LinkedHashMap<>();
        Map<Integer, List<Integer>> calls = new HashMap<>();
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            List<Integer> called = new ArrayList<>();
            Kind k = byDigest.get(digest(module, i, called));
            if (k != null) {
                candidates.put(imports + i, k);
                calls.put(imports + i, called);
            }
        }
        // a candidate is recognised once each function it calls is recognised as the kind circom's code calls there;
        // leaves first, then their callers (no kind calls itself, directly or not)
        Map<Integer, Kind> out = new TreeMap<>();
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Map.Entry<Integer, Kind> e : candidates.entrySet()) {
                if (out.containsKey(e.getKey())) continue;
                List<Integer> called = calls.get(e.getKey());
                List<Kind> expected = e.getValue().callees;
                boolean calleesMatch = called.size() == expected.size();
                for (int c = 0; calleesMatch && c < called.size(); c++) calleesMatch = out.get(called.get(c)) == expected.get(c);
                if (calleesMatch) {
                    out.put(e.getKey(), e.getValue());
                    grew = true;
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * SHA-256 (hex) of defined function {@code i}'s type, locals and instructions (opcode and operands), the operand
     * of each {@code call} masked and appended to {@code called} instead.
     */
    static String digest(WasmModule module, int i, List<Integer> called) {
        MessageDigest d = sha256();
        FunctionType type = module.typeSection().getType(module.functionSection().getFunctionType(i));
        FunctionBody body = module.codeSection().getFunctionBody(i);
        d.update((type.params() + "->" + type.returns() + " locals " + body.localTypes()).getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction ins : body.instructions()) {
            long[] operands = ins.operands();
            if (ins.opcode() == OpCode.CALL) {
                called.add((int) operands[0]);
                operands = new long[] {0};
            }
            d.update(b.clear().putInt(ins.opcode().opcode()).putInt(operands.length).flip());
            for (long o : operands) d.update(b.clear().putLong(o).flip());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** An active data segment at {@code i32.const P_AT} that starts with r's 32 bytes, as circom's fr-data puts it. */
    private static boolean modulusAtPAt(WasmModule module) {
        ByteBuffer r = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(FrKernels.P0).putLong(FrKernels.P1).putLong(FrKernels.P2).putLong(FrKernels.P3).flip();
        for (DataSegment s : module.dataSection().dataSegments()) {
            if (!(s instanceof ActiveDataSegment a) || a.index() != 0) continue;
            List<Instruction> offset = a.offsetInstructions();
            if (offset.isEmpty() || offset.get(0).opcode() != OpCode.I32_CONST || offset.get(0).operand(0) != FrKernels.P_AT) continue;
            byte[] data = s.data();
            if (data.length >= 32 && ByteBuffer.wrap(data, 0, 32).equals(r)) return true;
        }
        return false;
    }

    /**
     * The classes (binary name → bytes) with the methods of {@code functions} calling their kernels; {@code classes}
     * itself is not changed. A method of another shape than Chicory's {@code (args…, Memory, Instance)} is left alone.
     */
    public static Map<String, byte[]> replace(Map<String, byte[]> classes, Map<Integer, Kind> functions) {
        if (functions.isEmpty()) return classes;
        Map<String, Kind> methods = new HashMap<>();
        functions.forEach((index, kind) -> methods.put(METHOD_PREFIX + index + descriptor(kind), kind));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            ClassReader reader = new ClassReader(e.getValue());
            Replace replace = new Replace(new ClassWriter(reader, 0), methods);
            reader.accept(replace, 0);
            out.put(e.getKey(), replace.replaced.isEmpty() ? e.getValue() : ((ClassWriter) replace.next()).toByteArray());
        }
        return out;
    }

    /** The descriptor Chicory gives the function's method: wasm i32 → int, then the memory and the instance. */
    static String descriptor(Kind kind) {
        String memoryAndInstance = "L" + MEMORY + ";L" + INSTANCE + ";";
        return switch (kind) {
            case INT_GTE -> "(II" + memoryAndInstance + ")I";
            case INT_ADD, INT_SUB -> "(III" + memoryAndInstance + ")I";
            case F1M_ADD, F1M_SUB, F1M_MUL -> "(III" + memoryAndInstance + ")V";
            case COPY, F1M_MREDUCT -> "(II" + memoryAndInstance + ")V";
        };
    }

    /** Renames each replaced method to {@code <name>$plain} and adds, under its name, one that calls the kernel first. */
    private static final class Replace extends ClassVisitor {
        private final Map<String, Kind> methods;
        private final Map<String, Kind> replaced = new LinkedHashMap<>();
        private final Map<String, Integer> access = new HashMap<>();
        private String owner;

        Replace(ClassWriter next, Map<String, Kind> methods) {
            super(Opcodes.ASM9, next);
            this.methods = methods;
        }

        ClassVisitor next() { return cv; }

        @Override public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature, String[] exceptions) {
            Kind kind = methods.get(name + descriptor);
            if (kind == null || (acc & Opcodes.ACC_STATIC) == 0) return super.visitMethod(acc, name, descriptor, signature, exceptions);
            replaced.put(name, kind);
            access.put(name, acc);
            return super.visitMethod(acc, name + PLAIN_SUFFIX, descriptor, signature, exceptions);
        }

        @Override public void visitEnd() {
            replaced.forEach((name, kind) -> emit(name, kind, access.get(name)));
            super.visitEnd();
        }

        /**
         * {@code if (kernel(args…, memory)) return;} or {@code long v = kernel(args…, memory); if (v != PLAIN) return (int) v;},
         * then {@code return name$plain(args…, memory, instance);}.
         */
        private void emit(String name, Kind kind, int acc) {
            String descriptor = descriptor(kind);
            Type[] args = Type.getArgumentTypes(descriptor);
            boolean returnsValue = Type.getReturnType(descriptor).getSort() != Type.VOID;
            int ints = args.length - 2;
            StringBuilder kernelDescriptor = new StringBuilder("(");
            for (int a = 0; a < ints; a++) kernelDescriptor.append('I');
            kernelDescriptor.append('L').append(MEMORY).append(';').append(')').append(returnsValue ? 'J' : 'Z');
            MethodVisitor mv = super.visitMethod(acc, name, descriptor, null, null);
            mv.visitCode();
            for (int a = 0; a < ints; a++) mv.visitVarInsn(Opcodes.ILOAD, a);
            mv.visitVarInsn(Opcodes.ALOAD, ints);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, KERNELS, kind.kernel, kernelDescriptor.toString(), false);
            Label plain = new Label();
            Object[] locals = new Object[args.length];
            for (int a = 0; a < ints; a++) locals[a] = Opcodes.INTEGER;
            locals[ints] = MEMORY;
            locals[ints + 1] = INSTANCE;
            if (returnsValue) {
                mv.visitInsn(Opcodes.DUP2);
                mv.visitLdcInsn(FrKernels.PLAIN);
                mv.visitInsn(Opcodes.LCMP);
                mv.visitJumpInsn(Opcodes.IFEQ, plain);
                mv.visitInsn(Opcodes.L2I);
                mv.visitInsn(Opcodes.IRETURN);
                mv.visitLabel(plain);
                mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {Opcodes.LONG});
                mv.visitInsn(Opcodes.POP2);
            } else {
                mv.visitJumpInsn(Opcodes.IFEQ, plain);
                mv.visitInsn(Opcodes.RETURN);
                mv.visitLabel(plain);
                mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
            }
            for (int a = 0; a < ints; a++) mv.visitVarInsn(Opcodes.ILOAD, a);
            mv.visitVarInsn(Opcodes.ALOAD, ints);
            mv.visitVarInsn(Opcodes.ALOAD, ints + 1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name + PLAIN_SUFFIX, descriptor, false);
            mv.visitInsn(returnsValue ? Opcodes.IRETURN : Opcodes.RETURN);
            mv.visitMaxs(Math.max(args.length, 6), args.length);
            mv.visitEnd();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
