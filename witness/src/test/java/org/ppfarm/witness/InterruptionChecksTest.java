package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.Parser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.witness.wasm.FunctionOutliner;

/** The counted interruption checks: an interrupted computation still stops, and the loop computes snarkjs's witness. */
class InterruptionChecksTest {
    static Path spinWasm;
    static WitnessCalculator spin;
    @TempDir Path tmp;

    @BeforeAll
    static void compile() {
        spinWasm = References.circuit("spin");
        spin = WitnessCalculator.load(spinWasm);
    }

    @Test
    void anInterruptedLongComputationStopsWithChicorysInterruptedException() throws Exception {
        AtomicReference<Throwable> ended = new AtomicReference<>();
        // 10^12 rounds: hours; only the interruption can end it within the test
        Thread t = Thread.ofPlatform().name("spin").start(() -> {
            try {
                spin.calculate("{\"x\": 3, \"n\": \"1000000000000\"}");
                ended.set(new AssertionError("a computation of 10^12 rounds finished"));
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        Thread.sleep(500);
        assertTrue(t.isAlive(), "the computation is under way: " + ended.get());
        t.interrupt();
        t.join(30_000);
        assertFalse(t.isAlive(), "an interrupted computation ends");
        assertInstanceOf(ChicoryInterruptedException.class, ended.get());
        // the interrupted instance was dropped: the next computation is right
        Path input = tmp.resolve("spin.json");
        Files.writeString(input, "{\"x\": 3, \"n\": 5000}");
        assertArrayEquals(References.snarkjsWtns(spinWasm, input), WtnsFile.toBytes(spin.calculate(Files.readAllBytes(input))));
    }

    @Test
    void everyGeneratedCheckIsCountedThroughTheTick() throws Exception {
        byte[] wasm = Files.readAllBytes(spinWasm);
        CompiledCircuit c = CompiledCircuit.compile(wasm, Parser.parse(wasm), FunctionOutliner.DEFAULT_MAX_INSTRUCTIONS, FunctionOutliner.DEFAULT_CHUNK);
        int[] direct = {0}, ticks = {0}, tickMethods = {0};
        for (Map.Entry<String, byte[]> e : c.classes().entrySet()) {
            new ClassReader(e.getValue()).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    boolean inTick = name.equals(InterruptionChecks.TICK);
                    if (inTick) tickMethods[0]++;
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override public void visitMethodInsn(int opcode, String owner, String callee, String desc, boolean itf) {
                            if (callee.equals(InterruptionChecks.CHECK) && !inTick) direct[0]++;
                            if (callee.equals(InterruptionChecks.TICK)) ticks[0]++;
                        }
                    };
                }
            }, ClassReader.SKIP_FRAMES);
        }
        assertEquals(1, tickMethods[0], "one tick, in the shaded class");
        assertEquals(0, direct[0], "no uncounted check is left");
        assertTrue(ticks[0] > 0, "the calls and loops check through the tick");
    }
}
