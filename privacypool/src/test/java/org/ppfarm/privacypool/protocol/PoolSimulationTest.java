package org.ppfarm.privacypool.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.privacypool.Proving;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.request.PoolInputs;
import org.ppfarm.privacypool.tree.LeanIMT;
import org.ppfarm.testkit.Artifacts;

/**
 * End to end on the production 0xbow keys: a pool takes 40 deposits, the ASP approves all but a few, Alice withdraws
 * part of her deposit through a relayer, more deposits arrive and the ASP updates its root, Alice withdraws her change
 * note from the updated tree, and Bob (never approved) is refused a withdrawal before any proving and ragequits.
 * ppfarm builds every input; snarkjs proves; both verifiers accept; and an independent model of the PrivacyPool
 * contract (pool-contract-model.mjs) replays the whole history and accepts exactly these proofs, recomputing labels,
 * commitments, roots and contexts itself — and refuses a double spend, a proof against a replaced ASP root, a
 * stranger's ragequit and a proof reused for other withdrawal data.
 */
class PoolSimulationTest {
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    @Test
    void depositsPartialWithdrawalChangeWithdrawalAndRagequit(@TempDir Path dir) {
        SplittableRandom rnd = new SplittableRandom(2025);
        Address pool = address(rnd), asset = Address.parse("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");
        Address entrypoint = address(rnd), alice = address(rnd), bob = address(rnd);
        BigInteger scope = PoolProtocol.scope(pool, BigInteger.valueOf(11155111), asset);

        List<Map<String, Object>> events = new ArrayList<>();
        LeanIMT state = new LeanIMT();
        List<BigInteger> labels = new ArrayList<>();
        List<BigInteger> approved = new ArrayList<>();

        MasterKeys aliceKeys = MasterKeys.fromMnemonic("test test test test test test test test test test test junk");
        Note aliceNote = null, bobNote = null;
        for (int i = 0; i < 40; i++) {
            BigInteger label = PoolProtocol.label(scope, BigInteger.valueOf(i + 1));   // the contract's ++nonce
            BigInteger value;
            NoteSecrets secrets;
            Address depositor;
            if (i == 17) {
                value = BigInteger.TEN.multiply(ETHER);
                secrets = aliceKeys.depositSecrets(scope, BigInteger.ZERO);
                depositor = alice;
            } else {
                value = BigInteger.valueOf(1 + rnd.nextInt(1000)).multiply(ETHER.divide(BigInteger.valueOf(100)));
                secrets = NoteSecrets.of(field(rnd), field(rnd));
                depositor = i == 5 ? bob : address(rnd);
            }
            events.add(deposit(depositor, value, secrets.precommitment()));
            Note note = Note.of(value, label, secrets);
            state.insert(note.commitment());
            labels.add(label);
            if (i != 5 && i % 13 != 12) approved.add(label);     // Bob (5) and deposits 12, 25, 38 are not approved
            if (i == 17) aliceNote = note;
            else if (i == 5) bobNote = note;
            else note.close();
        }
        LeanIMT asp = new LeanIMT(approved);
        events.add(Map.of("type", "aspRoot", "labels", strings(approved)));

        // 1. Alice withdraws 3 ETH through the relayer (processooor = Entrypoint), from the request JSON
        Withdrawal relayed = new Withdrawal(entrypoint, HexFormat.of().parseHex("00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906"
                + "0000000000000000000000000000000000000000000000000000000000002710"));
        BigInteger first = BigInteger.valueOf(3).multiply(ETHER);
        String request = requestJson(scope, aliceNote, aliceKeys, state, asp, relayed, first, 0);
        String inputJson = PoolInputs.withdrawInputJson(request);
        WithdrawInputs w1;
        try (NoteSecrets change = aliceKeys.withdrawalSecrets(aliceNote.label(), BigInteger.ZERO)) {
            w1 = WithdrawInputs.build(aliceNote, state, asp, relayed, scope, first, change);
        }
        assertEquals(parse(w1.toJson()), parse(inputJson), "the request path and the object API build the same inputs");
        Proving.Proved p1 = Proving.prove(w1, Artifacts.withdrawWasm(), Artifacts.withdrawZkey(), Artifacts.withdrawVkey(), dir, "w1");
        assertTrue(p1.snarkjsVerifies() && p1.ppfarmVerifies(), "first withdrawal verifies");
        assertEquals(w1.publicSignals(), p1.publicSignals());
        events.add(withdraw(entrypoint, relayed, p1));
        state.insert(w1.newCommitmentHash());                         // what the pool does with the proof

        // Bob was never approved: refused before proving
        Note bob0 = bobNote;
        try (NoteSecrets fresh = NoteSecrets.of(field(rnd), field(rnd))) {
            assertThrows(LabelNotInAspTreeException.class,
                    () -> WithdrawInputs.build(bob0, state, asp, relayed, scope, BigInteger.ONE, fresh));
        }

        // more deposits, and the ASP approves them
        for (int i = 40; i < 45; i++) {
            BigInteger label = PoolProtocol.label(scope, BigInteger.valueOf(i + 1));
            try (Note note = Note.of(ETHER, label, NoteSecrets.of(field(rnd), field(rnd)))) {
                events.add(deposit(address(rnd), ETHER, note.secrets().precommitment()));
                state.insert(note.commitment());
                approved.add(label);
            }
        }
        LeanIMT asp2 = new LeanIMT(approved);
        events.add(Map.of("type", "aspRoot", "labels", strings(approved)));

        // 2. Alice withdraws all of her change (7 ETH) directly (processooor = herself), from the updated trees
        Withdrawal direct = new Withdrawal(alice, new byte[0]);
        BigInteger rest = aliceNote.value().subtract(first);
        WithdrawInputs w2;
        try (Note changeNote = Note.of(rest, aliceNote.label(), aliceKeys.withdrawalSecrets(aliceNote.label(), BigInteger.ZERO));
             NoteSecrets next = aliceKeys.withdrawalSecrets(aliceNote.label(), BigInteger.ONE)) {
            assertEquals(w1.newCommitmentHash(), changeNote.commitment(), "the change note is the leaf the pool inserted");
            w2 = WithdrawInputs.build(changeNote, state, asp2, direct, scope, rest, next);
        }
        Proving.Proved p2 = Proving.prove(w2, Artifacts.withdrawWasm(), Artifacts.withdrawZkey(), Artifacts.withdrawVkey(), dir, "w2");
        assertTrue(p2.snarkjsVerifies() && p2.ppfarmVerifies(), "change withdrawal verifies");
        assertEquals(w2.publicSignals(), p2.publicSignals());
        events.add(withdraw(alice, direct, p2));

        // 3. Bob ragequits his unapproved deposit
        RagequitInputs rq = RagequitInputs.build(bobNote, state);
        Proving.Proved p3 = Proving.prove(rq, Artifacts.commitmentWasm(), Artifacts.commitmentZkey(), Artifacts.commitmentVkey(), dir, "rq");
        assertTrue(p3.snarkjsVerifies() && p3.ppfarmVerifies(), "ragequit verifies");
        assertEquals(rq.publicSignals(), p3.publicSignals());
        events.add(ragequit(bob, p3));

        // replays the contract must refuse
        int lastAccepted = events.size() - 1;
        events.add(withdraw(alice, direct, p2));                      // double spend
        events.add(withdraw(entrypoint, relayed, p1));                // proved against an ASP root since replaced
        events.add(ragequit(alice, p3));                              // not Bob
        events.add(withdraw(alice, new Withdrawal(alice, new byte[] {1}), p2));   // context bound to other data

        Map<String, Object> log = new LinkedHashMap<>();
        log.put("scope", scope.toString());
        log.put("withdrawVkey", Artifacts.withdrawVkey().toString());
        log.put("commitmentVkey", Artifacts.commitmentVkey().toString());
        log.put("events", events);
        JsonNode verdicts = NodeOracle.call("pool-contract-model.mjs", log);

        int e = 0;
        for (int i = 0; i < 40; i++, e++) {
            assertTrue(verdicts.get(e).get("ok").asBoolean());
            assertEquals(labels.get(i).toString(), verdicts.get(e).get("label").asText(), "label of deposit " + i);
            assertEquals(state.leaf(i).toString(), verdicts.get(e).get("commitment").asText(), "commitment of deposit " + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = e; i < verdicts.size(); i++) {
            JsonNode v = verdicts.get(i);
            expected.add(v.get("ok").asBoolean() ? "ok" : v.get("reason").asText());
        }
        assertEquals(List.of("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok",
                "NullifierAlreadySpent", "IncorrectASPRoot", "OnlyOriginalDepositor", "ContextMismatch"), expected);
        // after Alice's change withdrawal the contract's state tree is ours plus her final (zero-value) change note
        state.insert(w2.newCommitmentHash());
        assertEquals(state.root().toString(), verdicts.get(lastAccepted).get("stateRoot").asText());
        assertFalse(aliceNote.secrets().isClosed());
        for (AutoCloseable c : List.<AutoCloseable>of(aliceNote, bobNote, aliceKeys, w1, w2, rq)) {
            try { c.close(); } catch (Exception x) { throw new AssertionError(x); }
        }
    }

    private static String requestJson(BigInteger scope, Note note, MasterKeys keys, LeanIMT state, LeanIMT asp,
                                      Withdrawal w, BigInteger value, int index) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scope", scope.toString());
        r.put("note", Map.of("value", note.value().toString(), "label", "0x" + note.label().toString(16),
                "nullifier", note.secrets().nullifier().toString(), "secret", note.secrets().secret().toString()));
        r.put("stateLeaves", strings(state.leaves()));
        r.put("aspLeaves", strings(asp.leaves()));
        r.put("withdrawal", Map.of("processooor", w.processooor().toChecksumString(), "data", "0x" + HexFormat.of().formatHex(w.data())));
        r.put("withdrawnValue", value.toString());
        r.put("masterKeys", Map.of("masterNullifier", keys.masterNullifier().toString(), "masterSecret", keys.masterSecret().toString()));
        r.put("index", index);
        try {
            return NodeOracle.JSON.writeValueAsString(r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> deposit(Address depositor, BigInteger value, BigInteger precommitment) {
        return Map.of("type", "deposit", "depositor", depositor.toString(), "value", value.toString(),
                "precommitment", precommitment.toString());
    }

    private static Map<String, Object> withdraw(Address sender, Withdrawal w, Proving.Proved p) {
        return Map.of("type", "withdraw", "sender", sender.toString(), "withdrawal",
                Map.of("processooor", w.processooor().toString(), "data", "0x" + HexFormat.of().formatHex(w.data())),
                "proof", p.proof(), "publicSignals", strings(p.publicSignals()));
    }

    private static Map<String, Object> ragequit(Address sender, Proving.Proved p) {
        return Map.of("type", "ragequit", "sender", sender.toString(), "proof", p.proof(),
                "publicSignals", strings(p.publicSignals()));
    }

    private static List<String> strings(List<BigInteger> xs) { return xs.stream().map(BigInteger::toString).toList(); }

    private static JsonNode parse(String json) {
        try {
            return NodeOracle.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static BigInteger field(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        BigInteger v = new BigInteger(1, b).mod(FieldValues.P);
        return v.signum() == 0 ? BigInteger.ONE : v;
    }

    private static Address address(SplittableRandom rnd) {
        byte[] b = new byte[20];
        rnd.nextBytes(b);
        return Address.of(b);
    }
}
