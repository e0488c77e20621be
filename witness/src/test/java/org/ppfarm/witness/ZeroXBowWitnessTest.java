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
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.witness.WitnessException.Kind;

/**
 * The production 0xbow circuits: ppfarm's .wtns is byte-identical to snarkjs's for 50 random valid withdraw notes
 * (state trees of 1 to 700 leaves), also when many computations share one loaded circuit concurrently, and a
 * reused instance holds nothing of the computation before.
 */
class ZeroXBowWitnessTest {
    /** The withdraw circuit's inputs (0xbow privacy-pools-core withdraw.circom, as the SDK fills them). */
    static final List<String> WITHDRAW_INPUTS = List.of("withdrawnValue", "stateRoot", "stateTreeDepth", "ASPRoot", "ASPTreeDepth",
            "context", "label", "existingValue", "existingNullifier", "existingSecret", "newNullifier", "newSecret", "stateSiblings",
            "stateIndex", "ASPSiblings", "ASPIndex");

    static WitnessCalculator withdraw;
    static WitnessCalculator commitment;
    @TempDir static Path dir;
    /** Withdraw inputs (JSON files) and snarkjs's .wtns for each. */
    static final List<Path> withdrawFiles = new ArrayList<>();
    static final List<byte[]> withdrawInputs = new ArrayList<>();
    static final List<byte[]> withdrawRefs = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        withdraw = References.withdraw();
        commitment = WitnessCalculator.load(Artifacts.commitmentWasm());
        // 50 distinct notes in state trees of depth 0 (one leaf) to 10, ASP trees of depth 0 to 8, partial and full
        // withdrawals; snarkjs's witnesses from one warm node process
        References.WithdrawNotes notes = References.withdrawNotes(dir, "withdraw-", 1000, 7, false);
        withdrawFiles.addAll(notes.files());
        withdrawInputs.addAll(notes.inputs());
        withdrawRefs.addAll(notes.refs());
    }

    @Test
    void theWarmNodeReferencesAreTheSnarkjsCli() {
        for (int i : new int[] {0, withdrawFiles.size() - 1}) {
            assertArrayEquals(References.snarkjsWtns(Artifacts.withdrawWasm(), withdrawFiles.get(i)), withdrawRefs.get(i),
                    withdrawFiles.get(i).getFileName().toString());
        }
    }

    @Test
    void withdrawMatchesSnarkjsOverTreesOfManyDepths() {
        assertEquals(36901, withdraw.witnessSize());
        assertEquals(78, withdraw.inputCount());
        // the product path (recorded programs, once recorded: WitnessTraceTest) and the wasm's alone
        WitnessCalculator plain = WitnessCalculator.load(Artifacts.withdrawWasm(), WitnessCalculator.Options.defaults().withoutTrace());
        for (int i = 0; i < withdrawFiles.size(); i++) {
            for (WitnessCalculator calc : List.of(withdraw, plain)) {
                Witness w = calc.calculate(withdrawInputs.get(i));
                assertArrayEquals(withdrawRefs.get(i), WtnsFile.toBytes(w), withdrawFiles.get(i).getFileName().toString());
                w.zeroize();
            }
        }
        assertTrue(plain.readsWitnessDirectly(), "the direct witness reader agreed with getWitness and is in use");
    }

    @Test
    void commitmentMatchesSnarkjs() throws Exception {
        for (ZeroXBowInputs.Case c : ZeroXBowInputs.commitmentCases(77, 4)) {
            Path f = ZeroXBowInputs.write(dir, "commitment-" + c.seed() + ".json", c.input());
            assertArrayEquals(References.snarkjsWtns(Artifacts.commitmentWasm(), f), WtnsFile.toBytes(commitment.calculate(c.input())),
                    f.getFileName().toString());
        }
    }

    /** The instance kept for the next computation is wiped: its memory is a new instance's, byte for byte. */
    @Test
    void aReusedInstanceHoldsNothingOfTheLastComputation() {
        // the wasm's path (a traced calculator would replay, and use no instance)
        WitnessCalculator commitment = WitnessCalculator.load(Artifacts.commitmentWasm(), WitnessCalculator.Options.defaults().withoutTrace());
        byte[] pristine = commitment.newMemory();
        for (ZeroXBowInputs.Case k : ZeroXBowInputs.commitmentCases(91, 2)) commitment.calculate(k.input()).zeroize();
        List<byte[]> idle = commitment.idleMemories();
        assertFalse(idle.isEmpty(), "the commitment circuit keeps its instance for the next computation");
        for (byte[] m : idle) assertArrayEquals(pristine, m, "an idle instance's memory is exactly a new one's");
        // a failed computation's instance is wiped and dropped, not kept
        String json = new String(withdrawInputs.get(3), java.nio.charset.StandardCharsets.UTF_8);
        String tampered = json.replaceFirst("\"stateRoot\":\\s*\"(\\d+)\"", "\"stateRoot\": \"12345\"");
        assertEquals(Kind.CONSTRAINT_FAILED, assertThrows(WitnessException.class, () -> withdraw.calculate(tampered)).kind());
        byte[] pristineWithdraw = withdraw.newMemory();
        for (byte[] m : withdraw.idleMemories()) assertArrayEquals(pristineWithdraw, m, "an idle instance's memory is exactly a new one's");
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
                        int note = (thread * each + k) % withdrawInputs.size();
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
        String json = Files.readString(withdrawFiles.get(3));
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
        String json = Files.readString(withdrawFiles.get(0)).replaceFirst("\"context\":\\s*\"[0-9]+\",?", "");
        WitnessException e = assertThrows(WitnessException.class, () -> withdraw.calculate(json));
        assertEquals(Kind.MISSING_SIGNAL, e.kind());
        assertTrue(e.getMessage().contains("input signal context is missing (77 of 78 input values given)"), e.getMessage());
    }
}
