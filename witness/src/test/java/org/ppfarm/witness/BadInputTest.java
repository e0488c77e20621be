package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.witness.WitnessException.Kind;

/** Every class of bad input is refused with a typed error naming the signal and the problem, never the value. */
class BadInputTest {
    static final BigInteger P = Field.FR.modulus();
    static WitnessCalculator shapes;
    static WitnessCalculator guarded;
    static Path guardedWasm;
    @TempDir Path tmp;

    @BeforeAll
    static void compile() {
        shapes = WitnessCalculator.load(References.circuit("shapes"));
        guardedWasm = References.circuit("guarded");
        guarded = WitnessCalculator.load(guardedWasm);
    }

    static WitnessException refused(WitnessCalculator c, String json, Kind kind, String... mustContain) {
        WitnessException e = assertThrows(WitnessException.class, () -> c.calculate(json), json);
        assertEquals(kind, e.kind(), e.getMessage());
        for (String s : mustContain) assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should contain '" + s + "'");
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    static final String GRID = "\"grid\": [[1,2,3],[4,5,6]]";

    @Test
    void missingSignalIsNamed() {
        WitnessException e = refused(shapes, "{\"a\": 1, \"v\": [1,2,3]}", Kind.MISSING_SIGNAL, "input signal grid is missing", "4 of 10");
        assertEquals("grid", e.signal());
        refused(shapes, "{\"a\": 1}", Kind.MISSING_SIGNAL, "input signals v, grid are missing");
    }

    @Test
    void missingSignalWithoutNamesSaysHowManyValuesAreMissing() throws Exception {
        // loaded from bytes: no .sym, so the names are unknown
        WitnessCalculator anonymous = WitnessCalculator.load(Files.readAllBytes(References.circuit("shapes")), "shapes.wasm");
        assertTrue(anonymous.inputSignals().isEmpty());
        refused(anonymous, "{\"a\": 1, " + GRID + "}", Kind.MISSING_SIGNAL, "shapes.wasm", "an input signal is missing", "7 of 10", ".sym");
        // names given explicitly
        WitnessCalculator named = WitnessCalculator.load(Files.readAllBytes(References.circuit("shapes")), "shapes.wasm",
                WitnessCalculator.Options.defaults().withInputNames(java.util.List.of("a", "v", "grid", "notAnInput")));
        assertEquals(java.util.Map.of("a", 1, "v", 3, "grid", 6), named.inputSignals());
        refused(named, "{\"a\": 1, " + GRID + "}", Kind.MISSING_SIGNAL, "input signal v is missing");
    }

    @Test
    void unknownSignalIsNamed() {
        WitnessException e = refused(shapes, "{\"a\": 1, \"v\": [1,2,3], " + GRID + ", \"b\": 4}", Kind.UNKNOWN_SIGNAL,
                "signal b is not an input of the circuit");
        assertEquals("b", e.signal());
        refused(shapes, "{\"dot\": 1, \"a\": 1, \"v\": [1,2,3], " + GRID + "}", Kind.UNKNOWN_SIGNAL, "signal dot is not an input");
    }

    @Test
    void wrongArrayLengthIsNamed() {
        refused(shapes, "{\"a\": 1, \"v\": [1,2], " + GRID + "}", Kind.WRONG_LENGTH, "signal v has 2 values, the circuit expects 3");
        refused(shapes, "{\"a\": 1, \"v\": [1,2,3,4], " + GRID + "}", Kind.WRONG_LENGTH, "signal v has 4 values, the circuit expects 3");
        refused(shapes, "{\"a\": [1, 2], \"v\": [1,2,3], " + GRID + "}", Kind.WRONG_LENGTH, "signal a has 2 values, the circuit expects 1");
        refused(shapes, "{\"a\": [], \"v\": [1,2,3], " + GRID + "}", Kind.WRONG_LENGTH, "signal a has 0 values");
        refused(shapes, "{\"a\": 1, \"v\": 1, " + GRID + "}", Kind.WRONG_LENGTH, "signal v has 1 value, the circuit expects 3");
        refused(shapes, "{\"a\": 1, \"v\": [1,2,3], \"grid\": [[1,2,3],[4,5]]}", Kind.WRONG_LENGTH, "signal grid has 5 values, the circuit expects 6");
    }

    @Test
    void nonNumericValuesAreNamedWithTheirPosition() {
        refused(shapes, "{\"a\": \"abc\", \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a: not a number");
        refused(shapes, "{\"a\": 1, \"v\": [1,\"12z\",3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal v[1]: not a number");
        refused(shapes, "{\"a\": 1, \"v\": [1,2,3], \"grid\": [[1,2,3],[4,null,6]]}", Kind.NOT_A_NUMBER, "signal grid[1][1]: null is not a number");
        refused(shapes, "{\"a\": {\"x\": 1}, \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a: an object is not a number");
        refused(shapes, "{\"a\": \"\", \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a: not a number");
        refused(shapes, "{\"a\": \"1.5\", \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a");
        refused(shapes, "{\"a\": 1.5, \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a", "fractional");
        refused(shapes, "{\"a\": \"-0x5\", \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a");
        refused(shapes, "{\"a\": \"0x\", \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a");
        // JSON.parse would round 2^53 + 1 to 2^53: refused rather than silently changed
        refused(shapes, "{\"a\": 9007199254740993, \"v\": [1,2,3], " + GRID + "}", Kind.NOT_A_NUMBER, "signal a", "decimal string");
    }

    @Test
    void valuesNotBelowPAreRefusedNotReduced() {
        String p = P.toString();
        WitnessException e = refused(shapes, "{\"a\": \"" + p + "\", \"v\": [1,2,3], " + GRID + "}", Kind.OUT_OF_RANGE,
                "signal a: value is not below the BN254 scalar field modulus p");
        assertFalse(e.getMessage().contains(p), "the value is not echoed");
        refused(shapes, "{\"a\": 1, \"v\": [1,\"0x" + P.toString(16) + "\",3], " + GRID + "}", Kind.OUT_OF_RANGE, "signal v[1]");
        refused(shapes, "{\"a\": \"" + BigInteger.ONE.shiftLeft(256) + "\", \"v\": [1,2,3], " + GRID + "}", Kind.OUT_OF_RANGE, "signal a");
        refused(shapes, "{\"a\": \"-" + p + "\", \"v\": [1,2,3], " + GRID + "}", Kind.OUT_OF_RANGE, "signal a");
        // p - 1 and -(p - 1) are fine
        shapes.calculate("{\"a\": \"" + P.subtract(BigInteger.ONE) + "\", \"v\": [1,2,3], " + GRID + "}");
        assertEquals(BigInteger.valueOf(6), shapes.calculate("{\"a\": \"-" + P.subtract(BigInteger.ONE) + "\", \"v\": [1,2,3], " + GRID + "}").get(1));
    }

    @Test
    void malformedDocumentsAreRefusedWithoutQuotingThem() {
        refused(shapes, "{\"a\": \"12345678901234567", Kind.MALFORMED_INPUT, "not valid JSON", "line 1");
        WitnessException e = refused(shapes, "{\"a\": \"123456789123456789\", \"v\": [1,2,3], \"grid\": nul}", Kind.MALFORMED_INPUT,
                "not valid JSON", "line 1, column");
        assertFalse(e.getMessage().contains("123456789123456789"), e.getMessage());
        refused(shapes, "[1, 2]", Kind.MALFORMED_INPUT, "expected a JSON object");
        refused(shapes, "{\"a\": 1} {", Kind.MALFORMED_INPUT, "after the JSON object");
        refused(shapes, "{\"a\": 1, \"a\": 2, \"v\": [1,2,3], " + GRID + "}", Kind.MALFORMED_INPUT, "signal a is given twice");
    }

    @Test
    void aFailingRangeCheckSaysConstraintFailedWithTemplateAndLine() throws Exception {
        WitnessException e = refused(guarded, "{\"x\": \"70000\", \"y\": 3}", Kind.CONSTRAINT_FAILED,
                "constraint failed", "Assert Failed.", "Error in template Num2Bits_0 line: 38", "Error in template Guarded_1 line: 12");
        assertFalse(e.getMessage().contains("70000"));
        // snarkjs refuses the same input with the same circom text
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"x\": \"70000\", \"y\": 3}");
        var r = References.snarkjsWtnsResult(guardedWasm, bad);
        assertNotEquals(0, r.exitCode());
        assertTrue((r.stdout() + r.stderr()).contains("Error in template Num2Bits_0 line: 38"));
    }

    @Test
    void aFailingAssertSaysConstraintFailedAndTheNextComputationIsFine() throws Exception {
        refused(guarded, "{\"x\": 7, \"y\": 0}", Kind.CONSTRAINT_FAILED, "constraint failed", "Error in template Guarded_1 line: 14");
        // the calculator is healthy afterwards, and log() output does not disturb the witness
        Path ok = tmp.resolve("ok.json");
        Files.writeString(ok, "{\"x\": 7, \"y\": 3}");
        assertArrayEquals(References.snarkjsWtns(guardedWasm, ok), WtnsFile.toBytes(guarded.calculate(Files.readAllBytes(ok))));
    }

    @Test
    void aCircuitNeedingMoreMemoryThanTheBoundIsRefusedAsMemoryLimit() throws Exception {
        Path wasm = References.circuit("memory");
        byte[] bytes = Files.readAllBytes(wasm);
        int initial = Parser.parse(bytes).memorySection().orElseThrow().getMemory(0).limits().initialPages();
        // a bound below what the module declares is refused at load, before any memory is allocated
        FormatException below = assertThrows(FormatException.class,
                () -> WitnessCalculator.load(bytes, "memory.wasm", WitnessCalculator.Options.defaults().withMaxMemoryPages(initial - 1)));
        assertTrue(below.getMessage().contains("declares " + initial + " initial pages"), below.getMessage());
        // at the module's own initial size there is no room for the ~0.8 MB its function puts on circom's stack
        WitnessCalculator tight = WitnessCalculator.load(bytes, "memory.wasm", WitnessCalculator.Options.defaults().withMaxMemoryPages(initial));
        refused(tight, "{\"x\": 5}", Kind.MEMORY_LIMIT, "memory.wasm", "wasm memory", "Not enough memory.");
        // with the default bound it computes snarkjs's witness
        Path in = tmp.resolve("x.json");
        Files.writeString(in, "{\"x\": 5}");
        assertArrayEquals(References.snarkjsWtns(wasm, in), WtnsFile.toBytes(WitnessCalculator.load(wasm).calculate(Files.readAllBytes(in))));
    }
}
