package org.ppfarm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 0xbow input generator makes inputs the production circuits accept. The npm package ships no .r1cs, so
 * {@code wtns check} is impossible; instead the production wasm must compute a witness (its assertions check the
 * Merkle proofs, hashes and range checks), and for one withdraw and one commitment input snarkjs proves with the
 * production zkey, the proof verifies against the production vkey and carries the independently computed public signals.
 */
class ZeroXBowInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "state {0} leaves, ASP {1} leaves")
    @CsvSource({"1,1", "2,1", "3,2", "5,7", "100,33"})
    void withdrawInputsOfSeveralDepthsGiveWitnesses(int state, int asp, @TempDir Path tmp) throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(100 + state, 1, state, asp, false).getFirst();
        JsonNode in = JSON.readTree(c.input());
        assertEquals(depth(state), in.get("stateTreeDepth").asInt(), "state tree depth");
        assertEquals(depth(asp), in.get("ASPTreeDepth").asInt(), "ASP tree depth");
        for (String s : List.of("stateSiblings", "ASPSiblings")) {
            assertEquals(32, in.get(s).size(), s + " padded to maxTreeDepth");
            int d = s.startsWith("state") ? depth(state) : depth(asp);
            for (int i = d; i < 32; i++) assertEquals("0", in.get(s).get(i).asText(), s + "[" + i + "] beyond the depth");
        }
        BigInteger withdrawn = new BigInteger(in.get("withdrawnValue").asText());
        BigInteger value = new BigInteger(in.get("existingValue").asText());
        assertTrue(withdrawn.signum() > 0 && withdrawn.compareTo(value) < 0, "a partial withdrawal");
        assertNotEquals(in.get("existingNullifier"), in.get("newNullifier"));

        Path input = ZeroXBowInputs.write(tmp, "input.json", c.input());
        Snarkjs.wtnsCalculate(Artifacts.withdrawWasm(), input, tmp.resolve("w.wtns"));
        assertTrue(Files.size(tmp.resolve("w.wtns")) > 0);
    }

    @Test
    void withdrawProofVerifiesWithTheProductionKey(@TempDir Path tmp) throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(7, 1, 13, 4, false).getFirst();
        TestCircuits.Reference ref = ZeroXBowInputs.withdrawReference(c, tmp);
        assertTrue(Snarkjs.groth16Verify(Artifacts.withdrawVkey(), ref.publicJson(), ref.proof()));
        assertEquals(c.publicSignals(), TestCircuitsTest.publicSignals(ref.publicJson()));
        // the public signals mirror the input where the circuit passes them through
        JsonNode in = JSON.readTree(c.input());
        List<String> pub = c.publicSignals();
        assertEquals(List.of(in.get("withdrawnValue").asText(), in.get("stateRoot").asText(), in.get("stateTreeDepth").asText(),
                in.get("ASPRoot").asText(), in.get("ASPTreeDepth").asText(), in.get("context").asText()), pub.subList(2, 8));
        // and the request carries the same withdrawal
        JsonNode req = JSON.readTree(c.request());
        assertEquals(13, req.get("stateLeaves").size());
        assertEquals(4, req.get("aspLeaves").size());
        assertEquals(in.get("label").asText(), req.get("note").get("label").asText());
        assertEquals(in.get("withdrawnValue").asText(), req.get("withdrawnValue").asText());
    }

    @Test
    void commitmentProofVerifiesWithTheProductionKey(@TempDir Path tmp) throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.commitmentCases(21, 1).getFirst();
        TestCircuits.Reference ref = ZeroXBowInputs.commitmentReference(c, tmp);
        assertTrue(Snarkjs.groth16Verify(Artifacts.commitmentVkey(), ref.publicJson(), ref.proof()));
        assertEquals(c.publicSignals(), TestCircuitsTest.publicSignals(ref.publicJson()));
        JsonNode in = JSON.readTree(c.input());
        assertEquals(List.of(in.get("value").asText(), in.get("label").asText()), c.publicSignals().subList(2, 4));
    }

    @Test
    void fullWithdrawalGivesAWitness(@TempDir Path tmp) throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(31, 1, 6, 6, true).getFirst();
        JsonNode in = JSON.readTree(c.input());
        assertEquals(in.get("existingValue").asText(), in.get("withdrawnValue").asText());
        Snarkjs.wtnsCalculate(Artifacts.withdrawWasm(), ZeroXBowInputs.write(tmp, "in.json", c.input()), tmp.resolve("w.wtns"));
    }

    @Test
    void aChangedStateRootHasNoWitness(@TempDir Path tmp) throws Exception {
        // shows the witness check above is not vacuous: the production wasm rejects an inconsistent input
        ObjectNode in = (ObjectNode) JSON.readTree(ZeroXBowInputs.withdraw(41, 5, 5));
        in.put("stateRoot", new BigInteger(in.get("stateRoot").asText()).add(BigInteger.ONE).toString());
        Path bad = ZeroXBowInputs.write(tmp, "bad.json", JSON.writeValueAsString(in));
        Node.Result r = Snarkjs.wtnsCalculateResult(Artifacts.withdrawWasm(), bad, tmp.resolve("bad.wtns"));
        assertNotEquals(0, r.exitCode());
        assertTrue((r.stdout() + r.stderr()).contains("Assert Failed"), r.stdout() + r.stderr());
    }

    @Test
    void casesAreDeterministicPerSeed() {
        List<ZeroXBowInputs.Case> two = ZeroXBowInputs.commitmentCases(50, 2);
        assertEquals(two.get(1), ZeroXBowInputs.commitmentCases(51, 1).getFirst());
        assertNotEquals(two.get(0).input(), two.get(1).input());
        assertEquals(ZeroXBowInputs.commitment(50), two.get(0).input());
    }

    /** Lean IMT depth: ceil(log2(n)), 0 for a single leaf. */
    private static int depth(int leaves) {
        return leaves <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(leaves - 1);
    }
}
