package org.ppfarm.prover.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

/** The .r1cs reader against {@code snarkjs r1cs export json} on circuits compiled by circom2, and on bad copies. */
class R1csFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<TestCircuits.Fixture> circuits() {
        return Stream.of(TestCircuits.onePublic(), TestCircuits.manyPublic(), TestCircuits.poseidon());
    }

    @ParameterizedTest
    @MethodSource("circuits")
    void matchesSnarkjsExport(TestCircuits.Fixture f, @TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("r1cs.json");
        Node.snarkjs("r1cs", "export", "json", f.r1cs().toString(), json.toString());
        JsonNode ref = JSON.readTree(json.toFile());
        R1cs r = R1csFile.read(f.r1cs());
        assertEquals(ref.get("nVars").asInt(), r.nWires());
        assertEquals(ref.get("nOutputs").asInt(), r.nOutputs());
        assertEquals(ref.get("nPubInputs").asInt(), r.nPublicInputs());
        assertEquals(ref.get("nPrvInputs").asInt(), r.nPrivateInputs());
        assertEquals(ref.get("nLabels").asLong(), r.nLabels());
        assertEquals(ref.get("nConstraints").asInt(), r.nConstraints());
        assertEquals(f.info().nPublic(), r.nPublic());
        for (int i = 0; i < r.nWires(); i++) assertEquals(ref.get("map").get(i).asLong(), r.labels()[i], "label of wire " + i);
        R1cs.Matrix[] m = {r.a(), r.b(), r.c()};
        for (int i = 0; i < r.nConstraints(); i++) {
            for (int k = 0; k < 3; k++) {
                Map<String, String> expected = new TreeMap<>(), actual = new TreeMap<>();
                ref.get("constraints").get(i).get(k).properties().forEach(e -> expected.put(e.getKey(), e.getValue().asText()));
                for (int t = m[k].rowStart()[i]; t < m[k].rowStart()[i + 1]; t++)
                    actual.put(Integer.toString(m[k].wire()[t]), Field.FR.toBigInteger(m[k].value(), 4 * t).toString());
                assertEquals(expected, actual, "constraint " + i + " " + "ABC".charAt(k));
            }
        }
    }

    @Test
    void witnessSatisfactionAgreesWithSnarkjsWtnsCheck(@TempDir Path tmp) throws IOException {
        TestCircuits.Fixture f = TestCircuits.poseidon();
        TestCircuits.Reference ref = f.reference(tmp, 5);
        R1cs r = R1csFile.read(f.r1cs());
        Witness w = WtnsFile.read(ref.wtns());
        assertTrue(Snarkjs.wtnsCheck(f.r1cs(), ref.wtns()));
        assertEquals(-1, r.firstUnsatisfied(w));
        long[] limbs = w.limbs().clone();
        limbs[4 * 10] ^= 1;
        Witness bad = Witness.ofStandardLimbs(limbs, "bad");
        Path badFile = tmp.resolve("bad.wtns");
        WtnsFile.write(bad, badFile);
        assertEquals(false, Snarkjs.wtnsCheck(f.r1cs(), badFile));
        assertTrue(r.firstUnsatisfied(bad) >= 0);
    }

    @Test
    void malformedFilesNameTheSection() throws IOException {
        byte[] file = Files.readAllBytes(TestCircuits.manyPublic().r1cs());
        int header = ZkeyFileTest.sectionOffset(file, 1), constraints = ZkeyFileTest.sectionOffset(file, 2);
        byte[] badPrime = file.clone();
        badPrime[header + 4] ^= 1;
        assertMessage(badPrime, "section 1", "prime");
        byte[] badWire = file.clone();
        ByteBuffer.wrap(badWire).order(ByteOrder.LITTLE_ENDIAN).putInt(constraints + 4, 1_000_000); // first term's wire
        assertMessage(badWire, "section 2", "constraint 0", "wire 1000000");
        byte[] badValue = file.clone();
        ByteBuffer b = ByteBuffer.wrap(badValue).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4; i++) b.putLong(constraints + 8 + 8 * i, -1L);
        assertMessage(badValue, "section 2", "not below r");
        assertMessage(Arrays.copyOf(file, constraints + 50), "section 2", "truncated");
    }

    private static void assertMessage(byte[] bytes, String... parts) {
        FormatException e = assertThrows(FormatException.class, () -> R1csFile.read("bad.r1cs", bytes));
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
}
