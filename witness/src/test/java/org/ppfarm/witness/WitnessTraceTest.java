package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.witness.WitnessException.Kind;

/**
 * The recorded witness programs ({@link WitnessTrace}): once a circuit's trace is in use, its witnesses are
 * replayed, not run in the wasm, and stay byte-identical to snarkjs's for 50 random withdraw notes in state trees of
 * 1 to 700 leaves (other depths than the one recorded); an input that leaves the recorded path (a failed assert) is
 * refused exactly as the wasm refuses it; the testkit's circuits are traced too.
 */
class WitnessTraceTest {
    @TempDir static Path dir;
    static List<byte[]> inputs;
    static List<Path> files;
    static List<byte[]> refs;

    @BeforeAll
    static void references() throws Exception {
        References.WithdrawNotes notes = References.withdrawNotes(dir, "w-", 5000, 11, true);
        files = notes.files();
        inputs = notes.inputs();
        refs = notes.refs();
    }

    @Test
    void withdrawWitnessesReplayedFromTheTraceAreSnarkjssOverTreesOfManyDepths() throws Exception {
        WitnessCalculator calc = WitnessCalculator.load(Artifacts.withdrawWasm());
        assertEquals("not recorded yet", calc.traceStatus());
        // the first computation runs the wasm and records the trace from its input (the deepest tree's note)
        int last = inputs.size() - 1;
        assertArrayEquals(refs.get(last), WtnsFile.toBytes(calc.calculate(inputs.get(last))));
        assertTrue(calc.awaitTrace(Duration.ofMinutes(3)), calc.traceStatus());
        assertTrue(calc.traceStatus().startsWith("traced: "), calc.traceStatus());
        // notes in other trees take other paths (depths, zero siblings): each new one runs the wasm and records its path
        for (int i = 0; i < inputs.size(); i++) {
            Witness w = calc.calculate(inputs.get(i));
            assertArrayEquals(refs.get(i), WtnsFile.toBytes(w), files.get(i).getFileName().toString());
            w.zeroize();
            calc.awaitTrace(Duration.ofMinutes(3));
        }
        assertTrue(calc.traceStatus().startsWith("traced: "), calc.traceStatus());
        long before = calc.replays();
        for (int i = 0; i < inputs.size(); i++) {
            Witness w = calc.calculate(inputs.get(i));
            assertArrayEquals(refs.get(i), WtnsFile.toBytes(w), files.get(i).getFileName().toString());
            w.zeroize();
        }
        assertEquals(inputs.size(), calc.replays() - before, "every note took a recorded path: " + calc.traceStatus());
        System.out.println("withdraw, 50 notes in 10 trees: " + calc.traceStatus());

        // a wrong root fails the circuit's assert: the trace's guard sends it to the wasm, which names the template
        String json = Files.readString(files.get(7));
        String root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("stateRoot").asText();
        String tampered = json.replace(root, new BigInteger(root).add(BigInteger.ONE).toString());
        long replays = calc.replays();
        WitnessException e = assertThrows(WitnessException.class, () -> calc.calculate(tampered));
        assertEquals(Kind.CONSTRAINT_FAILED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("Error in template ") && e.getMessage().contains(" line: "), e.getMessage());
        assertEquals(replays, calc.replays());

        // shapes the trace was not recorded with go to the wasm too, which names the problem
        String missing = Files.readString(files.get(0)).replaceFirst("\"context\":\\s*\"[0-9]+\",?", "");
        assertEquals(Kind.MISSING_SIGNAL, assertThrows(WitnessException.class, () -> calc.calculate(missing)).kind());

        // a second calculator of the same circuit in this process shares the recording
        WitnessCalculator again = WitnessCalculator.load(Artifacts.withdrawWasm());
        assertArrayEquals(refs.get(0), WtnsFile.toBytes(again.calculate(inputs.get(0))));
        assertArrayEquals(refs.get(1), WtnsFile.toBytes(again.calculate(inputs.get(1))));
        assertEquals(2, again.replays());
    }

    @Test
    void commitmentWitnessesReplayedFromTheTraceAreSnarkjss() throws Exception {
        WitnessCalculator calc = WitnessCalculator.load(Artifacts.commitmentWasm());
        List<ZeroXBowInputs.Case> cases = ZeroXBowInputs.commitmentCases(4242, 6);
        calc.calculate(cases.getFirst().input()).zeroize();
        assertTrue(calc.awaitTrace(Duration.ofMinutes(2)), calc.traceStatus());
        for (ZeroXBowInputs.Case c : cases) {
            Path f = ZeroXBowInputs.write(dir, "c-" + c.seed() + ".json", c.input());
            assertArrayEquals(References.snarkjsWtns(Artifacts.commitmentWasm(), f), WtnsFile.toBytes(calc.calculate(c.input())),
                    f.getFileName().toString());
        }
        assertEquals(cases.size(), calc.replays());
    }

    @Test
    void theWitnessIsTheWasmsWithTracesOff() throws Exception {
        WitnessCalculator plain = WitnessCalculator.load(Artifacts.withdrawWasm(), WitnessCalculator.Options.defaults().withoutTrace());
        assertArrayEquals(refs.get(2), WtnsFile.toBytes(plain.calculate(inputs.get(2))));
        assertFalse(plain.awaitTrace(Duration.ofSeconds(1)));
        assertEquals("off", plain.traceStatus());
        assertEquals(0, plain.replays());
    }

    /**
     * The testkit's circuits (circom 2.2.3) carry the same runtime as the 0xbow ones (circom 2.1): each is traced, and
     * its replayed witnesses are the wasm's.
     */
    @Test
    void theTestkitCircuitsAreTracedToo() throws Exception {
        var a = Parser.parse(Files.readAllBytes(Artifacts.withdrawWasm()));
        var b = Parser.parse(Files.readAllBytes(Artifacts.commitmentWasm()));
        assertEquals(TraceRecorder.fingerprint(a, 85), TraceRecorder.fingerprint(b, 85));
        for (TestCircuits.Fixture fixture : TestCircuits.all()) {
            assertEquals(TraceRecorder.fingerprint(a, 85), TraceRecorder.fingerprint(Parser.parse(Files.readAllBytes(fixture.wasm())), 85));
            WitnessCalculator calc = WitnessCalculator.load(fixture.wasm());
            WitnessCalculator plain = WitnessCalculator.load(fixture.wasm(), WitnessCalculator.Options.defaults().withoutTrace());
            calc.calculate(fixture.input(1)).zeroize();
            assertTrue(calc.awaitTrace(Duration.ofMinutes(1)), fixture.wasm() + ": " + calc.traceStatus());
            for (long seed = 2; seed < 6; seed++) {
                assertArrayEquals(plain.calculate(fixture.input(seed)).limbs(), calc.calculate(fixture.input(seed)).limbs(), fixture.wasm().toString());
            }
            assertTrue(calc.replays() > 0, fixture.wasm().toString());
        }
    }

    /** A module with circom's runtime code but other runtime constants (one bit of one) is not recognised. */
    @Test
    void aRuntimeWithOtherConstantsIsNotRecognised() throws Exception {
        byte[] wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        var module = Parser.parse(wasm);
        TraceRecorder.recognise(module, "commitment.wasm", 1992, 1);  // the real one is
        byte[] segment = null;
        for (var d : module.dataSection().dataSegments()) {
            if (d instanceof com.dylibso.chicory.wasm.types.ActiveDataSegment a && a.offsetInstructions().get(0).operand(0) == 960) segment = a.data();
        }
        int at = -1;
        for (int i = 0; at < 0 && i + segment.length <= wasm.length; i++) {
            if (java.util.Arrays.equals(wasm, i, i + segment.length, segment, 0, segment.length)) at = i;
        }
        assertTrue(at > 0);
        wasm[at + 5] ^= 1;
        var tampered = Parser.parse(wasm);
        var e = assertThrows(TraceRecorder.Untraceable.class, () -> TraceRecorder.recognise(tampered, "commitment.wasm", 1992, 1));
        assertEquals("its circom runtime's data is not the known one", e.getMessage());
    }
}
