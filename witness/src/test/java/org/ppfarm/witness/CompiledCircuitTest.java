package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.ZeroXBowInputs;

/** Circuits compiled in the tests with circom2 + circomlib: the same .wtns as snarkjs for every input encoding it accepts. */
class CompiledCircuitTest {
    static final BigInteger P = Field.FR.modulus();
    static Path shapesWasm;
    static WitnessCalculator shapes;
    @TempDir Path tmp;

    @BeforeAll
    static void compile() {
        shapesWasm = References.circuit("shapes");
        shapes = WitnessCalculator.load(shapesWasm);
    }

    @Test
    void inputNamesAndSizesComeFromTheSymFile() {
        assertEquals(Map.of("a", 1, "v", 3, "grid", 6), shapes.inputSignals());
        assertEquals(10, shapes.inputCount());
        assertEquals(3, shapes.inputSize("v"));
        assertEquals(0, shapes.inputSize("dot"), "an output is not an input");
        assertEquals(0, shapes.inputSize("nope"));
    }

    @Test
    void everyEncodingSnarkjsAcceptsGivesSnarkjsWitness() throws Exception {
        Random rnd = new Random(42);
        for (int round = 0; round < 6; round++) {
            List<String> v = new ArrayList<>();
            for (int i = 0; i < 3; i++) v.add(encode(rnd, round + i));
            List<String> rows = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < 3; i++) row.add(encode(rnd, round * 3 + r + i));
                rows.add("[" + String.join(", ", row) + "]");
            }
            String json = "{\"a\": " + encode(rnd, round) + ", \"v\": [" + String.join(",", v) + "],\n \"grid\": ["
                    + String.join(", ", rows) + "]}";
            Path input = tmp.resolve("in-" + round + ".json");
            Files.writeString(input, json);
            byte[] expected = References.snarkjsWtns(shapesWasm, input);
            assertArrayEquals(expected, WtnsFile.toBytes(shapes.calculate(json)), json);
        }
    }

    @Test
    void aMatrixMayBeGivenFlatAndKeysInAnyOrder() {
        Witness nested = shapes.calculate("{\"a\": \"5\", \"v\": [1, 2, 3], \"grid\": [[4, 5, 6], [7, 8, 9]]}");
        Witness flat = shapes.calculate("{\"grid\": [4, 5, [6, 7], [[8]], 9], \"v\": [\"1\", \"0x2\", 3], \"a\": 5}");
        assertArrayEquals(nested.limbs(), flat.limbs());
        // dot = a * (1 + 2 + 3) = 30; rows[0] = 4 + 10 + 18 = 32; rows[1] = 7 + 16 + 27 + 1 = 51
        assertEquals(BigInteger.valueOf(30), nested.get(1));
        assertEquals(BigInteger.valueOf(32), nested.get(2));
        assertEquals(BigInteger.valueOf(51), nested.get(3));
    }

    @Test
    void javaValuesAreTheSameInputs() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("a", BigInteger.valueOf(-2));
        in.put("v", List.of(1L, 2, "3"));
        in.put("grid", new Object[] {List.of(4, 5, 6), List.of(7, true, BigInteger.valueOf(9))});
        Witness w = shapes.calculate(in);
        assertEquals(P.subtract(BigInteger.valueOf(12)), w.get(1));  // dot = -2 * 6
        assertEquals(BigInteger.valueOf(7 + 1 * 2 + 9 * 3 + 1), w.get(3));  // rows[1], grid[1][1] = true = 1
    }

    /** The outliner under stress: functions cut into pieces of ~16 instructions still compute snarkjs's witness. */
    @Test
    void heavilyOutlinedCircuitComputesTheSameWitness() throws Exception {
        Path input = ZeroXBowInputs.write(tmp, "commitment.json", ZeroXBowInputs.commitment(7));
        WitnessCalculator c = WitnessCalculator.load(Files.readAllBytes(Artifacts.commitmentWasm()), "commitment.wasm",
                WitnessCalculator.Options.defaults(), 40, 16);
        assertArrayEquals(References.snarkjsWtns(Artifacts.commitmentWasm(), input), WtnsFile.toBytes(c.calculate(Files.readAllBytes(input))));
    }

    /** A random value below p in one of the encodings snarkjs accepts. */
    static String encode(Random rnd, int style) {
        BigInteger x = new BigInteger(256, rnd).mod(P);
        long small = rnd.nextLong(1L << 53);
        return switch (style % 8) {
            case 0 -> "\"" + x + "\"";
            case 1 -> "\"0x" + x.toString(16) + "\"";
            case 2 -> Long.toString(small);                       // a JSON number
            case 3 -> "-" + small;                                // a negative JSON number: p - small
            case 4 -> "\"-" + x + "\"";                           // a negative decimal string: p - x
            case 5 -> "\"0X" + x.toString(16).toUpperCase() + "\"";
            case 6 -> rnd.nextBoolean() ? "true" : "false";
            default -> "\" " + x + "\\t\"";                        // blanks around the digits (a JSON-escaped tab)
        };
    }
}
