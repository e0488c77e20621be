package org.ppfarm.witness;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.LocalVariablesSorter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.ppfarm.witness.wasm.BoundedCalls;

/**
 * Rewrites the classes Chicory's compiler generated so the compiled wasm checks for thread interruption every
 * {@link #EVERY}-th time instead of at every call and loop iteration, keeping interruption itself intact.
 *
 * <p>Chicory emits {@code Shaded.checkInterruption()} — {@code Thread.currentThread().isInterrupted()}, a volatile
 * read that also keeps the JIT from reusing memory loads across it — before every call and on every backward
 * branch; in the withdraw witness that was 17.6 % of the time (JFR, issue 19). The worker's {@code ProverPool}
 * interrupts provers at shutdown, so the check must stay: each rewritten method gets a local counter, and each
 * check becomes {@code counter = tick(counter)}, where {@code tick} (added to the shaded class) does the real
 * check when the counter is exhausted and counts down otherwise. The counter starts exhausted in every invocation,
 * so every invocation that calls or loops checks once at its first call or backward branch, and then every
 * {@link #EVERY} events: between two real checks a thread runs at most {@code EVERY} calls or iterations of one
 * frame, each of a callee that checks itself as soon as it calls or loops — microseconds. An interrupted
 * computation still ends with Chicory's {@code ChicoryInterruptedException}, as before.
 *
 * <p>Before that, the check before a call to a function of bounded work ({@link BoundedCalls}: circom's field
 * functions, called millions of times) is removed: the callee adds at most its bound to the work between two checks
 * of its caller. The counter starting exhausted made the first check of every invocation a real one, and every
 * invocation of a field function that calls another paid it: removing every check made the commitment witness a
 * third faster (session 11); these are most of them.
 *
 * <p>A counter in a local costs nothing shared between threads (many computations of one circuit run at once), and
 * the rewritten call site needs no branch of its own, so no stack map frame has to be made up: the frames only gain
 * the counter, an int from the first instruction on. Classes of an unknown shape — no shaded class declaring
 * {@code checkInterruption()V}, or more than one — are returned unchanged (the plain, slower checks), and so is a
 * method that would grow past the JVM's limit on a method's size.
 */
final class InterruptionChecks {
    /** Calls and backward branches of one frame between two real checks. */
    static final int EVERY = 1024;

    static final String CHECK = "checkInterruption";
    static final String TICK = "ppfarmTick";

    private InterruptionChecks() {}

    /**
     * The classes (binary name → bytes) with their interruption checks counted and those before calls to the
     * functions in {@code bounded} (wasm function indices, imports counted) removed; {@code classes} itself is not
     * changed.
     */
    static Map<String, byte[]> rewrite(Map<String, byte[]> classes, BitSet bounded) {
        String shaded = null;
        for (byte[] c : classes.values()) {
            Scan scan = new Scan();
            new ClassReader(c).accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            if (scan.declaresCheck) {
                if (shaded != null) return classes;
                shaded = scan.name;
            }
        }
        if (shaded == null) return classes;
        Map<String, byte[]> dropped = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) dropped.put(e.getKey(), dropBoundedChecks(e.getValue(), shaded, bounded));
        return count(dropped, shaded);
    }

    /**
     * Removes each check that comes right before a call to a bounded function: Chicory emits the check after the
     * call's own arguments, then loads the memory and the instance and calls {@code func_<index>} (a class of
     * another shape keeps every check).
     */
    private static byte[] dropBoundedChecks(byte[] original, String shaded, BitSet bounded) {
        ClassNode node = new ClassNode();
        new ClassReader(original).accept(node, 0);
        boolean changed = false;
        for (MethodNode m : node.methods) {
            for (AbstractInsnNode in = m.instructions.getFirst(); in != null; ) {
                AbstractInsnNode next = in.getNext();
                if (in instanceof MethodInsnNode c && c.getOpcode() == Opcodes.INVOKESTATIC && c.owner.equals(shaded) && c.name.equals(CHECK)
                        && c.desc.equals("()V") && callsBounded(c, bounded)) {
                    m.instructions.remove(c);
                    changed = true;
                }
                in = next;
            }
        }
        if (!changed) return original;
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        return writer.toByteArray();
    }

    /** True if the instructions after {@code check} are {@code aload; aload; invokestatic func_<n>} with n bounded. */
    private static boolean callsBounded(AbstractInsnNode check, BitSet bounded) {
        AbstractInsnNode in = check;
        for (int k = 0; k < 2; k++) {
            in = in.getNext();
            if (in == null || in.getOpcode() != Opcodes.ALOAD) return false;
        }
        in = in.getNext();
        if (!(in instanceof MethodInsnNode call) || call.getOpcode() != Opcodes.INVOKESTATIC || !call.name.matches("func_\\d{1,9}")) return false;
        return bounded.get(Integer.parseInt(call.name.substring(5)));
    }

    /** The classes with the checks that are left counted; {@code shaded}: the class declaring the check. */
    private static Map<String, byte[]> count(Map<String, byte[]> classes, String shaded) {
        Map<String, Set<String>> checking = new HashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            Scan scan = new Scan();
            new ClassReader(e.getValue()).accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            if (!scan.checkingMethods.isEmpty()) checking.put(e.getKey(), scan.checkingMethods);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            Set<String> methods = checking.get(e.getKey());
            boolean isShaded = internalName(e.getKey()).equals(shaded);
            if (methods == null && !isShaded) {
                out.put(e.getKey(), e.getValue());
                continue;
            }
            out.put(e.getKey(), rewrite(e.getValue(), shaded, methods == null ? new HashSet<>() : methods, isShaded));
        }
        return out;
    }

    /**
     * One class; a method the counter would push over the JVM's 64 KiB of bytecode per method (Chicory fills some
     * close to it) keeps its plain checks.
     */
    private static byte[] rewrite(byte[] original, String shaded, Set<String> methods, boolean isShaded) {
        while (true) {
            ClassReader reader = new ClassReader(original);
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new Rewrite(writer, shaded, methods, isShaded), ClassReader.EXPAND_FRAMES);
            try {
                return writer.toByteArray();
            } catch (MethodTooLargeException tooLarge) {
                if (!methods.remove(tooLarge.getMethodName() + tooLarge.getDescriptor())) throw tooLarge;
            }
        }
    }

    private static String internalName(String binaryName) { return binaryName.replace('.', '/'); }

    /** Finds the class declaring {@code static void checkInterruption()} and the methods that call a check. */
    private static final class Scan extends ClassVisitor {
        String name;
        boolean declaresCheck;
        final Set<String> checkingMethods = new HashSet<>();

        Scan() { super(Opcodes.ASM9); }

        @Override public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.name = name;
        }

        @Override public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
            if (method.equals(CHECK) && descriptor.equals("()V") && (access & Opcodes.ACC_STATIC) != 0) declaresCheck = true;
            String key = method + descriptor;
            return new MethodVisitor(Opcodes.ASM9) {
                @Override public void visitMethodInsn(int opcode, String owner, String callee, String desc, boolean itf) {
                    if (opcode == Opcodes.INVOKESTATIC && callee.equals(CHECK) && desc.equals("()V")) checkingMethods.add(key);
                }
            };
        }
    }

    /** Counts the checks of the methods in {@code methods}; in the shaded class, also adds {@code tick}. */
    private static final class Rewrite extends ClassVisitor {
        private final String shaded;
        private final Set<String> methods;
        private final boolean isShaded;

        Rewrite(ClassVisitor next, String shaded, Set<String> methods, boolean isShaded) {
            super(Opcodes.ASM9, next);
            this.shaded = shaded;
            this.methods = methods;
            this.isShaded = isShaded;
        }

        @Override public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return methods.contains(name + descriptor) ? new Counted(access, descriptor, mv, shaded) : mv;
        }

        @Override public void visitEnd() {
            if (isShaded) addTick();
            super.visitEnd();
        }

        /**
         * {@code public static int ppfarmTick(int left) { if (left > 0) return left - 1; checkInterruption(); return EVERY - 1; }}
         */
        private void addTick() {
            MethodVisitor mv = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, TICK, "(I)I", null, null);
            mv.visitCode();
            Label check = new Label();
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitJumpInsn(Opcodes.IFLE, check);
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitInsn(Opcodes.ISUB);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitLabel(check);
            mv.visitFrame(Opcodes.F_NEW, 1, new Object[] {Opcodes.INTEGER}, 0, new Object[0]);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, shaded, CHECK, "()V", false);
            mv.visitIntInsn(Opcodes.SIPUSH, EVERY - 1);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(2, 1);
            mv.visitEnd();
        }
    }

    /** One method: a counter local, zero on entry; each {@code checkInterruption()} becomes {@code counter = tick(counter)}. */
    private static final class Counted extends LocalVariablesSorter {
        private final String shaded;
        private int counter;

        Counted(int access, String descriptor, MethodVisitor next, String shaded) {
            super(Opcodes.ASM9, access, descriptor, next);
            this.shaded = shaded;
        }

        @Override public void visitCode() {
            super.visitCode();
            // before any label: no exception handler covers these two instructions, and every frame after them
            // (LocalVariablesSorter adds the new local to each) holds the counter as an int
            counter = newLocal(Type.INT_TYPE);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ISTORE, counter);
        }

        @Override public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKESTATIC && owner.equals(shaded) && name.equals(CHECK) && descriptor.equals("()V")) {
                mv.visitVarInsn(Opcodes.ILOAD, counter);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, shaded, TICK, "(I)I", false);
                mv.visitVarInsn(Opcodes.ISTORE, counter);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        /** The counter's load may sit on top of a full operand stack (a call's arguments). */
        @Override public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + 1, maxLocals);
        }
    }
}
