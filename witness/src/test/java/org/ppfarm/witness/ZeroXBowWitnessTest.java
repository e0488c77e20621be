package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.witness.WitnessException.Kind;

/**
 * The production 0xbow circuits: ppfarm's .wtns is byte-identical to snarkjs's for many random valid notes (state
 * trees of 1 to ~600 leaves), also when many computations share one loaded circuit concurrently.
 */
class ZeroXBowWitnessTest {
    /** The withdraw circuit's inputs (0xbow privacy-pools-core withdraw.circom, as the SDK fills them). */
    static final List<String> WITHDRAW_INPUTS = List.of("withdrawnValue", "stateRoot", "stateTreeDepth", "ASPRoot", "ASPTreeDepth",
            "context", "label", "existingValue", "existingNullifier", "existingSecret", "newNullifier", "newSecret", "stateSiblings",
            "stateIndex", "ASPSiblings", "ASPIndex");

    static WitnessCalculator withdraw;
    static WitnessCalculator commitment;
    @TempDir static Path dir;
    static List<References.Note> notes;
    static final List<byte[]> withdrawRefs = new ArrayList<>();
    static final List<byte[]> withdrawInputs = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        withdraw = WitnessCalculator.load(Artifacts.withdrawWasm(), WitnessCalculator.Options.defaults().withInputNames(WITHDRAW_INPUTS));
        commitment = WitnessCalculator.load(Artifacts.commitmentWasm());
        notes = References.notes(dir, 11, 20261121);
        for (References.Note n : notes) {
            withdrawRefs.add(References.snarkjsWtns(Artifacts.withdrawWasm(), n.withdraw()));
            withdrawInputs.add(Files.readAllBytes(n.withdraw()));
        }
    }

    @Test
    void withdrawMatchesSnarkjsOverTreesOfManyDepths() {
        assertEquals(36901, withdraw.witnessSize());
        assertEquals(78, withdraw.inputCount());
        for (int i = 0; i < notes.size(); i++) {
            Witness w = withdraw.calculate(withdrawInputs.get(i));
            assertArrayEquals(withdrawRefs.get(i), WtnsFile.toBytes(w), notes.get(i).withdraw().getFileName().toString());
            w.zeroize();
        }
    }

    @Test
    void commitmentMatchesSnarkjs() throws Exception {
        for (References.Note n : notes.subList(0, 4)) {
            byte[] expected = References.snarkjsWtns(Artifacts.commitmentWasm(), n.commitment());
            assertArrayEquals(expected, WtnsFile.toBytes(commitment.calculate(Files.readAllBytes(n.commitment()))),
                    n.commitment().getFileName().toString());
        }
    }

    @Test
    void manyConcurrentComputationsOnOneCircuitAreIndependent() throws Exception {
        int threads = 16, each = 3;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int k = 0; k < each; k++) {
                        int note = (thread * each + k) % notes.size();
                        Witness w = withdraw.calculate(withdrawInputs.get(note));
                        if (!java.util.Arrays.equals(withdrawRefs.get(note), WtnsFile.toBytes(w))) return false;
                        w.zeroize();
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertTrue(f.get(), "a concurrent witness differs from snarkjs's");
        }
    }

    @Test
    void withdrawInputNamesAreCheckedAgainstTheCircuit() {
        Map<String, Integer> sizes = withdraw.inputSignals();
        assertEquals(WITHDRAW_INPUTS, List.copyOf(sizes.keySet()));
        assertEquals(32, sizes.get("stateSiblings"));
        assertEquals(78, sizes.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aWrongMerkleRootIsAFailedConstraintNamingTheTemplate() throws Exception {
        String json = Files.readString(notes.get(3).withdraw());
        String root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("stateRoot").asText();
        String tampered = json.replace(root, new java.math.BigInteger(root).add(java.math.BigInteger.ONE).toString());
        WitnessException e = assertThrows(WitnessException.class, () -> withdraw.calculate(tampered));
        assertEquals(Kind.CONSTRAINT_FAILED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(Artifacts.withdrawWasm() + ": constraint failed: Assert Failed. Error in template "), e.getMessage());
        assertTrue(e.getMessage().contains(" line: "), e.getMessage());
        // the secret inputs never appear in an error
        String secret = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("existingSecret").asText();
        assertFalse(e.getMessage().contains(secret));
        // and the next computation on the same calculator is correct
        assertArrayEquals(withdrawRefs.get(3), WtnsFile.toBytes(withdraw.calculate(withdrawInputs.get(3))));
    }

    @Test
    void aMissingWithdrawInputIsNamed() throws Exception {
        String json = Files.readString(notes.get(0).withdraw()).replaceFirst("\"context\":\\s*\"[0-9]+\",", "");
        WitnessException e = assertThrows(WitnessException.class, () -> withdraw.calculate(json));
        assertEquals(Kind.MISSING_SIGNAL, e.kind());
        assertTrue(e.getMessage().contains("input signal context is missing (77 of 78 input values given)"), e.getMessage());
    }
}
