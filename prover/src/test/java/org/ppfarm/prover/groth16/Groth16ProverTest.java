package org.ppfarm.prover.groth16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.prover.ntt.CpuNttBackend;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.testkit.ZeroXBowInputs;

/**
 * The acceptance tests of the engine against snarkjs: ppfarm's proofs of the production 0xbow withdraw and
 * commitment circuits (witnesses from {@code snarkjs wtns calculate} of valid inputs) verify with
 * {@code snarkjs groth16 verify} and ppfarm's {@link Verifier}; snarkjs's proofs verify with ppfarm's verifier;
 * a changed coordinate or public signal is rejected by both; calldata matches snarkjs's; the small test circuits
 * of every shape prove and verify.
 */
class Groth16ProverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Groth16Prover PROVER = Groth16Prover.cpu();

    @TempDir static Path dir;
    private static Map<String, Path[]> circuits; // name -> {zkey, vkey, wtns}
    private static Map<String, List<String>> expectedPublic;

    @BeforeAll
    static void witnesses() {
        // valid inputs from the fixtures' generator (circomlibjs Poseidon, lean-imt trees, 0xbow SDK cross-checks),
        // with the public signals computed independently of the circuit
        ZeroXBowInputs.Case withdraw = ZeroXBowInputs.withdrawCases(11, 1, 37, 5, false).getFirst();
        ZeroXBowInputs.Case commitment = ZeroXBowInputs.commitmentCases(12, 1).getFirst();
        Path withdrawWtns = dir.resolve("withdraw.wtns"), commitmentWtns = dir.resolve("commitment.wtns");
        Snarkjs.wtnsCalculate(Artifacts.withdrawWasm(), ZeroXBowInputs.write(dir, "withdraw-input.json", withdraw.input()), withdrawWtns);
        Snarkjs.wtnsCalculate(Artifacts.commitmentWasm(), ZeroXBowInputs.write(dir, "commitment-input.json", commitment.input()), commitmentWtns);
        circuits = Map.of(
                "withdraw", new Path[] {Artifacts.withdrawZkey(), Artifacts.withdrawVkey(), withdrawWtns},
                "commitment", new Path[] {Artifacts.commitmentZkey(), Artifacts.commitmentVkey(), commitmentWtns});
        expectedPublic = Map.of("withdraw", withdraw.publicSignals(), "commitment", commitment.publicSignals());
    }

    @ParameterizedTest
    @ValueSource(strings = {"withdraw", "commitment"})
    void productionCircuitsProveAndVerifyBothWays(String name) throws IOException {
        Path[] c = circuits.get(name);
        Path zkey = c[0], vkeyJson = c[1], wtns = c[2], out = Files.createDirectories(dir.resolve(name));
        ProvingKey pk = ZkeyFile.read(zkey);
        Witness w = WtnsFile.read(wtns);
        VerificationKey vk = VerificationKey.readJson(vkeyJson);

        ProofResult ours = PROVER.prove(pk, w);
        for (int i = 0; i < pk.nPublic(); i++)
            assertEquals(expectedPublic.get(name).get(i), ours.publicSignals().get(i).toString(), "public signal " + i);
        Path proof = out.resolve("proof.json"), pub = out.resolve("public.json");
        ours.proof().writeJson(proof);
        ours.publicSignals().writeJson(pub);
        assertTrue(Snarkjs.groth16Verify(vkeyJson, pub, proof), "snarkjs accepts ppfarm's proof");
        assertTrue(Verifier.verify(vk, ours.publicSignals(), ours.proof()), "ppfarm accepts its own proof");

        Path sProof = out.resolve("snarkjs-proof.json"), sPub = out.resolve("snarkjs-public.json");
        Snarkjs.groth16Prove(zkey, wtns, sProof, sPub);
        assertTrue(Verifier.verify(vk, PublicSignals.readJson(sPub), Proof.readJson(sProof)), "ppfarm accepts snarkjs's proof");
        assertEquals(Files.readString(sPub), Files.readString(pub), "public.json as snarkjs writes it");

        assertEquals(Snarkjs.zkeyExportSolidityCalldata(pub, proof), SolidityCalldata.format(ours.proof(), ours.publicSignals()));

        // one changed coordinate: pi_a's y -> q - y keeps the point on the curve (it is -A), so only the pairing can object
        ObjectNode tampered = (ObjectNode) JSON.readTree(proof.toFile());
        ArrayNode piA = (ArrayNode) tampered.get("pi_a");
        piA.set(1, Field.FQ.modulus().subtract(new BigInteger(piA.get(1).asText())).toString());
        Path badProof = Files.writeString(out.resolve("tampered-proof.json"), JSON.writeValueAsString(tampered));
        assertFalse(Snarkjs.groth16Verify(vkeyJson, pub, badProof));
        assertFalse(Verifier.verify(vk, ours.publicSignals(), Proof.readJson(badProof)));

        // one changed public signal
        ArrayNode signals = (ArrayNode) JSON.readTree(pub.toFile());
        signals.set(0, new BigInteger(signals.get(0).asText()).add(BigInteger.ONE).mod(Field.FR.modulus()).toString());
        Path badPub = Files.writeString(out.resolve("tampered-public.json"), JSON.writeValueAsString(signals));
        assertFalse(Snarkjs.groth16Verify(vkeyJson, badPub, proof));
        assertFalse(Verifier.verify(vk, PublicSignals.readJson(badPub), ours.proof()));
    }

    @Test
    void fixedBlindingIsDeterministicAndFreshBlindingIsNot() {
        Path[] c = circuits.get("commitment");
        ProvingKey pk = ZkeyFile.read(c[0]);
        Witness w = WtnsFile.read(c[2]);
        long[] r = Field.limbs(new BigInteger("1234567890123456789012345678901234567890"));
        long[] s = Field.limbs(Field.FR.modulus().subtract(BigInteger.TWO));
        ProofResult one = PROVER.prove(pk, w, r, s), two = PROVER.prove(pk, w, r, s);
        assertEquals(one.proof(), two.proof());
        assertEquals(one.publicSignals(), two.publicSignals());
        ProofResult fresh = PROVER.prove(pk, w), fresh2 = PROVER.prove(pk, w);
        assertNotEquals(fresh.proof(), fresh2.proof());
        for (ProofResult p : List.of(one, fresh, fresh2)) assertTrue(Verifier.verify(pk.preparedVerifyingKey(), p.publicSignals(), p.proof()));
        // blinding edge values: r = s = 0 is a valid (if not zero-knowledge) proof of the same statement
        long[] zero = new long[4];
        ProofResult unblinded = PROVER.prove(pk, w, zero, zero);
        assertTrue(Verifier.verify(pk.preparedVerifyingKey(), unblinded.publicSignals(), unblinded.proof()));
        assertThrows(IllegalArgumentException.class, () -> PROVER.prove(pk, w, Field.limbs(Field.FR.modulus()), s));
    }

    /**
     * The production withdraw key with fixed-base tables precomputed (the resident-key path of the farm and the
     * bench) gives exactly the proof of the plain MSMs for the same r, s, which snarkjs and ppfarm accept; closing
     * the key returns the tables' memory to the backend's budget.
     */
    @Test
    void fixedBaseTablesGiveTheSameWithdrawProof() throws IOException {
        Path[] c = circuits.get("withdraw");
        Witness w = WtnsFile.read(c[2]);
        long[] r = Field.limbs(new BigInteger("987654321987654321987654321")), s = {3, 1, 4, 1};
        ProofResult plain;
        try (ProvingKey pk = ZkeyFile.read(c[0])) {
            plain = new Groth16Prover(CpuMsm.withoutTables(), new CpuNttBackend()).prove(pk, w, r, s);
        }
        CpuMsm tables = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE);
        ProofResult fixed;
        try (ProvingKey pk = ZkeyFile.read(c[0])) {
            pk.precompute(tables);
            ProvingKey.Bases b = pk.bases(tables);
            for (var set : List.of(b.a(), b.b1(), b.b2(), b.ch())) assertTrue(tables.hasTable(set), set.group() + " set has a table");
            fixed = new Groth16Prover(tables, new CpuNttBackend()).prove(pk, w, r, s);
        }
        assertEquals(0, tables.tableBytesInUse(), "closing the key frees its tables");
        assertEquals(plain, fixed);
        Path out = Files.createDirectories(dir.resolve("withdraw-tables"));
        Path proof = out.resolve("proof.json"), pub = out.resolve("public.json");
        fixed.proof().writeJson(proof);
        fixed.publicSignals().writeJson(pub);
        assertTrue(Snarkjs.groth16Verify(c[1], pub, proof), "snarkjs accepts the table-path proof");
        assertTrue(Verifier.verify(VerificationKey.readJson(c[1]), fixed.publicSignals(), fixed.proof()));
    }

    @Test
    void sequentialStagesGiveTheSameProof() {
        Path[] c = circuits.get("commitment");
        ProvingKey pk = ZkeyFile.read(c[0]);
        Witness w = WtnsFile.read(c[2]);
        long[] r = {5, 6, 7, 8}, s = {9, 10, 11, 12};
        Groth16Prover.Trace trace = new Groth16Prover.Trace();
        assertEquals(PROVER.prove(pk, w, r, s), PROVER.withOverlap(false).prove(pk, w, r, s, trace));
        for (Groth16Prover.Stage stage : Groth16Prover.Stage.values()) assertTrue(trace.nanos(stage) > 0, stage.name());
    }

    /**
     * A batch (two commitment witnesses and one that does not satisfy the circuit) gives, member by member, exactly
     * the proofs of the single path for the same r and s: the good ones verify with ppfarm and snarkjs, the bad one
     * fails verification alone. A member that does not fit the key is named before anything is proved.
     */
    @Test
    void batchedProofsAreTheSingleProofs() throws IOException {
        Path[] c = circuits.get("commitment");
        ProvingKey pk = ZkeyFile.read(c[0]);
        Witness first = WtnsFile.read(c[2]);
        Path secondWtns = dir.resolve("commitment-2.wtns");
        Snarkjs.wtnsCalculate(Artifacts.commitmentWasm(),
                ZeroXBowInputs.write(dir, "commitment-input-2.json", ZeroXBowInputs.commitmentCases(13, 1).getFirst().input()), secondWtns);
        Witness second = WtnsFile.read(secondWtns);
        long[] limbs = first.limbs().clone();
        limbs[4 * 7] ^= 1;
        Witness bad = Witness.ofStandardLimbs(limbs, "bad.wtns");
        List<Witness> batch = List.of(first, bad, second);
        long[][] r = {{1, 2, 3, 4}, {5, 6, 7, 8}, Field.limbs(new BigInteger("987654321987654321987654321"))};
        long[][] s = {{9, 10, 11, 12}, {13, 14, 15, 16}, {3, 1, 4, 1}};

        List<ProofResult> proofs = PROVER.proveBatch(pk, batch, r, s, null);
        assertEquals(3, proofs.size());
        for (int i = 0; i < 3; i++) assertEquals(PROVER.prove(pk, batch.get(i), r[i], s[i]), proofs.get(i), "batch member " + i);
        VerificationKey vk = VerificationKey.readJson(c[1]);
        assertTrue(Verifier.verify(vk, proofs.get(0).publicSignals(), proofs.get(0).proof()));
        assertFalse(Verifier.verify(vk, proofs.get(1).publicSignals(), proofs.get(1).proof()), "the unsatisfying member's proof");
        assertTrue(Verifier.verify(vk, proofs.get(2).publicSignals(), proofs.get(2).proof()));
        Path out = Files.createDirectories(dir.resolve("commitment-batch"));
        Path proof = out.resolve("proof.json"), pub = out.resolve("public.json");
        proofs.get(2).proof().writeJson(proof);
        proofs.get(2).publicSignals().writeJson(pub);
        assertTrue(Snarkjs.groth16Verify(c[1], pub, proof), "snarkjs accepts a batched proof");

        Witness other = WtnsFile.read(circuits.get("withdraw")[2]);
        WitnessMismatchException e = assertThrows(WitnessMismatchException.class, () -> PROVER.proveBatch(pk, List.of(first, other)));
        assertTrue(e.getMessage().startsWith("batch member 1: "), e.getMessage());
    }

    @Test
    void aWitnessForAnotherKeyIsATypedError() {
        ProvingKey withdraw = ZkeyFile.read(circuits.get("withdraw")[0]);
        Witness commitment = WtnsFile.read(circuits.get("commitment")[2]);
        WitnessMismatchException e = assertThrows(WitnessMismatchException.class, () -> PROVER.prove(withdraw, commitment));
        assertTrue(e.getMessage().contains("1542") && e.getMessage().contains("36901"), e.getMessage());
    }

    @Test
    void anUnsatisfyingWitnessNeverYieldsAProof() {
        Path[] c = circuits.get("commitment");
        ProvingKey pk = ZkeyFile.read(c[0]);
        long[] limbs = WtnsFile.read(c[2]).limbs().clone();
        limbs[4 * 7] ^= 1; // a private signal no longer consistent with the constraints
        Witness bad = Witness.ofStandardLimbs(limbs, "bad.wtns");
        assertThrows(ProofRejectedException.class, () -> PROVER.proveAndVerify(pk, bad));
        long[] notOne = WtnsFile.read(c[2]).limbs().clone();
        notOne[0] = 2;
        assertThrows(WitnessMismatchException.class, () -> PROVER.prove(pk, Witness.ofStandardLimbs(notOne, "x")));
    }

    static Stream<TestCircuits.Fixture> shapes() {
        return Stream.of(TestCircuits.onePublic(), TestCircuits.manyPublic(), TestCircuits.belowPowerOfTwo(),
                TestCircuits.abovePowerOfTwo(), TestCircuits.poseidon());
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void testCircuitsOfEveryShapeProveAndVerify(TestCircuits.Fixture f) throws IOException {
        Path out = dir.resolve("shape-" + f.name());
        TestCircuits.Reference ref = f.reference(out, 3);
        ProvingKey pk = ZkeyFile.read(f.zkey());
        assertEquals(f.info().domainSize(), pk.domainSize());
        ProofResult ours = PROVER.proveAndVerify(pk, WtnsFile.read(ref.wtns()));
        Path proof = out.resolve("ppfarm-proof.json"), pub = out.resolve("ppfarm-public.json");
        ours.proof().writeJson(proof);
        ours.publicSignals().writeJson(pub);
        assertTrue(Snarkjs.groth16Verify(f.vkey(), pub, proof));
        assertTrue(Verifier.verify(VerificationKey.readJson(f.vkey()), ours.publicSignals(), ours.proof()));
        assertTrue(Verifier.verify(VerificationKey.readJson(f.vkey()), PublicSignals.readJson(ref.publicJson()), Proof.readJson(ref.proof())));
        assertArrayEquals(Files.readAllBytes(ref.publicJson()), Files.readAllBytes(pub));
    }
}
