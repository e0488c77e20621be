package org.ppfarm.privacypool.subset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.privacypool.Proving;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.tree.FixedMerkleTree;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Snarkjs;

/**
 * The subset circuit end to end with a development setup: 50 deposits, a hacker's three deposits; a withdrawal proven
 * against an allow list and one against a block list (both decoded from their JSON encodings), verified by snarkjs and
 * ppfarm; a blocked deposit refused before proving; the circuit itself refusing a blocked deposit's witness; and
 * snarkjs proving with the development key (ppfarm's {@link org.ppfarm.prover.setup.DevSetup}), both verifiers agreeing.
 */
class SubsetCircuitTest {
    private static final int DEPOSITS = 50;
    private static final List<Integer> HACKER = List.of(3, 17, 40);
    private static final SplittableRandom RND = new SplittableRandom(77);
    private static final List<BigInteger> SECRETS = new ArrayList<>();
    private static BigInteger asset, withdrawMeta;
    private static FixedMerkleTree deposits;

    @BeforeAll
    static void pool() {
        asset = SubsetValues.assetMetadata(Address.parse("0x6b175474e89094c44da98b954eedeac495271d0f"), BigInteger.TEN.pow(20));
        withdrawMeta = SubsetValues.withdrawMetadata(address(), address(), BigInteger.valueOf(5_000_000));
        deposits = new FixedMerkleTree(SubsetValues.DEPTH, SubsetValues.EMPTY);
        for (int i = 0; i < DEPOSITS; i++) {
            BigInteger s = field();
            SECRETS.add(s);
            assertEquals(i, deposits.append(SubsetWithdrawInputs.stampedCommitment(s, asset)));
        }
        assertEquals(10_412, Snarkjs.r1csInfo(SubsetCircuit.compiled().r1cs()).constraints(), "depth-20 subset circuit size");
    }

    @Test
    void withdrawalsProveAgainstAnAllowListAndABlockList(@TempDir Path dir) {
        AccessList allow = AccessList.fromJson(AccessList.fromFilter(ListType.ALLOWLIST, DEPOSITS,
                i -> !HACKER.contains(i) && i % 7 != 0).toJson(AccessList.Form.BITSTRING));
        AccessList block = AccessList.fromJson(AccessList.of(ListType.BLOCKLIST, HACKER.stream().mapToInt(i -> i).toArray())
                .toJson(AccessList.Form.FIRST_INDEX));
        var keys = SubsetCircuit.keys();
        var circuit = SubsetCircuit.compiled();
        for (var c : List.of(new Object[] {allow, 22}, new Object[] {block, 5})) {
            AccessList list = (AccessList) c[0];
            int index = (Integer) c[1];
            BigInteger secret = SECRETS.get(index);
            try (SubsetWithdrawInputs in = SubsetWithdrawInputs.build(secret, asset, withdrawMeta, deposits, list)) {
                assertEquals(index, in.index());
                Proving.Proved p = Proving.prove(in, circuit.wasm(), keys.zkey(), keys.vkey(), dir, list.type().json());
                assertTrue(p.snarkjsVerifies() && p.ppfarmVerifies(), list.type() + " proof verifies");
                assertEquals(List.of(deposits.root(), list.root(SubsetValues.DEPTH), SubsetWithdrawInputs.nullifier(secret, index),
                        asset, withdrawMeta), p.publicSignals(), list.type() + " public signals");
            }
        }
        // the empty block list is the whole pool: anyone may withdraw against it, the hacker too
        try (var in = SubsetWithdrawInputs.build(SECRETS.get(17), asset, withdrawMeta, deposits, AccessList.of(ListType.BLOCKLIST))) {
            assertEquals(17, in.index());
        }
    }

    @Test
    void aBlockedDepositIsRefusedBeforeProving() {
        AccessList block = AccessList.of(ListType.BLOCKLIST, 3, 17, 40);
        var e = assertThrows(DepositNotInSubsetException.class,
                () -> SubsetWithdrawInputs.build(SECRETS.get(17), asset, withdrawMeta, deposits, block));
        assertEquals(17, e.index());
        assertEquals("deposit 17: blocked by this block list; choose another list to withdraw against", e.getMessage());
        AccessList allow = AccessList.of(ListType.ALLOWLIST, 1, 2, 4);
        var e2 = assertThrows(DepositNotInSubsetException.class,
                () -> SubsetWithdrawInputs.build(SECRETS.get(3), asset, withdrawMeta, deposits, allow));
        assertTrue(e2.getMessage().contains("not on this allow list"));
        assertThrows(DepositNotFoundException.class, () -> SubsetWithdrawInputs.build(field(), asset, withdrawMeta, deposits, allow));
        assertThrows(DepositNotFoundException.class, () -> SubsetWithdrawInputs.build(SECRETS.get(1), asset.add(BigInteger.ONE), withdrawMeta, deposits, allow));
    }

    @Test
    void theCircuitItselfRejectsABlockedDeposit(@TempDir Path dir) throws Exception {
        // hand-made inputs that skip the library's check: deposit 17 against a block list that blocks it
        int index = 17;
        FixedMerkleTree blockTree = AccessList.of(ListType.BLOCKLIST, 3, 17, 40).tree(SubsetValues.DEPTH);
        assertNotEquals(SubsetValues.ALLOWED, blockTree.leaf(index));
        Path input = handMadeInput(dir.resolve("forged.json"), index, blockTree);
        var r = Snarkjs.wtnsCalculateResult(SubsetCircuit.compiled().wasm(), input, dir.resolve("forged.wtns"));
        assertNotEquals(0, r.exitCode(), "the witness calculator must refuse");
        assertTrue((r.stdout() + r.stderr()).contains("Assert Failed"), r.stdout() + r.stderr());
        // the same inputs with an allowed index's data go through: the refusal above is the subset check
        input = handMadeInput(input, index, AccessList.of(ListType.BLOCKLIST).tree(SubsetValues.DEPTH));
        assertEquals(0, Snarkjs.wtnsCalculateResult(SubsetCircuit.compiled().wasm(), input, dir.resolve("ok.wtns")).exitCode());
    }

    @Test
    void snarkjsProvesWithTheDevelopmentKeyAndBothVerifiersAgree(@TempDir Path dir) {
        // the development zkey is snarkjs-compatible: snarkjs's witness and prover on it, ppfarm's verifier on the proof
        Path input = handMadeInput(dir.resolve("input.json"), 22, AccessList.of(ListType.BLOCKLIST).tree(SubsetValues.DEPTH));
        Path wtns = dir.resolve("witness.wtns"), proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        Snarkjs.wtnsCalculate(SubsetCircuit.compiled().wasm(), input, wtns);
        Snarkjs.groth16Prove(SubsetCircuit.keys().zkey(), wtns, proof, pub);
        Path vkey = SubsetCircuit.keys().vkey();
        VerificationKey vk = VerificationKey.readJson(vkey);
        PublicSignals signals = PublicSignals.readJson(pub);
        assertTrue(Snarkjs.groth16Verify(vkey, pub, proof), "snarkjs verifies");
        assertTrue(Verifier.verify(vk, signals, Proof.readJson(proof)), "ppfarm verifies");
        // another withdrawal's nullifier (public signal 2) does not verify
        List<BigInteger> wrong = new ArrayList<>();
        for (int i = 0; i < signals.size(); i++) wrong.add(i == 2 ? SubsetWithdrawInputs.nullifier(SECRETS.get(23), 23) : signals.get(i));
        PublicSignals.of(wrong).writeJson(pub);
        assertFalse(Snarkjs.groth16Verify(vkey, pub, proof), "snarkjs rejects a wrong nullifier");
        assertFalse(Verifier.verify(vk, PublicSignals.of(wrong), Proof.readJson(proof)), "ppfarm rejects a wrong nullifier");
    }

    /** The circuit's input JSON for deposit {@code index} against {@code subset}, written to {@code file}. */
    private static Path handMadeInput(Path file, int index, FixedMerkleTree subset) {
        BigInteger secret = SECRETS.get(index);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("root", deposits.root().toString());
        in.put("subsetRoot", subset.root().toString());
        in.put("nullifier", SubsetWithdrawInputs.nullifier(secret, index).toString());
        in.put("assetMetadata", asset.toString());
        in.put("withdrawMetadata", withdrawMeta.toString());
        in.put("secret", secret.toString());
        in.put("index", Integer.toString(index));
        in.put("mainProof", deposits.siblings(index).stream().map(BigInteger::toString).toList());
        in.put("subsetProof", subset.siblings(index).stream().map(BigInteger::toString).toList());
        try {
            return Files.writeString(file, NodeOracle.JSON.writeValueAsString(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigInteger field() {
        byte[] b = new byte[32];
        RND.nextBytes(b);
        BigInteger v = new BigInteger(1, b).mod(FieldValues.P);
        return v.signum() == 0 ? BigInteger.ONE : v;
    }

    private static Address address() {
        byte[] b = new byte[20];
        RND.nextBytes(b);
        return Address.of(b);
    }
}
