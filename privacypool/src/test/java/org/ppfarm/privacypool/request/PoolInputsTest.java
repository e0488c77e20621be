package org.ppfarm.privacypool.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.privacypool.protocol.CommitmentNotInStateTreeException;
import org.ppfarm.privacypool.protocol.FieldValues;
import org.ppfarm.privacypool.protocol.InputRejectedException;
import org.ppfarm.privacypool.protocol.InvalidWithdrawnValueException;
import org.ppfarm.privacypool.protocol.LabelNotInAspTreeException;
import org.ppfarm.privacypool.protocol.MasterKeys;
import org.ppfarm.privacypool.protocol.NonCanonicalFieldElementException;
import org.ppfarm.privacypool.protocol.NoteSecrets;
import org.ppfarm.privacypool.protocol.NullifierReuseException;
import org.ppfarm.privacypool.protocol.ValueOutOfRangeException;
import org.ppfarm.privacypool.protocol.ZeroValueException;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.testkit.ZeroXBowInputs;

/**
 * The request → input JSON path against the testkit's independent generator (circomlibjs, lean-imt, SDK), and every
 * refusal: malformed documents name the field; impossible withdrawals raise their named exception.
 */
class PoolInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<ZeroXBowInputs.Case> cases;

    @BeforeAll
    static void generate() {
        cases = new java.util.ArrayList<>();
        cases.addAll(ZeroXBowInputs.withdrawCases(100, 2, 1, 1, false));     // depth-0 trees
        cases.addAll(ZeroXBowInputs.withdrawCases(200, 2, 5, 3, false));
        cases.addAll(ZeroXBowInputs.withdrawCases(300, 1, 100, 40, true));   // full withdrawal, change 0
        cases.addAll(ZeroXBowInputs.withdrawCases(400, 1, 129, 65, false));   // single-child top levels
    }

    @Test
    void withdrawInputsEqualTheGenerators() throws Exception {
        for (ZeroXBowInputs.Case c : cases) {
            String ours = PoolInputs.withdrawInputJson(c.request());
            assertEquals(JSON.readTree(c.input()), JSON.readTree(ours), "seed " + c.seed());
            try (WithdrawRequest r = WithdrawRequest.parse(c.request()); var in = r.toInputs()) {
                assertEquals(c.publicSignals(), in.publicSignals().stream().map(BigInteger::toString).toList(), "seed " + c.seed());
            }
        }
    }

    @Test
    void ragequitInputsEqualTheGenerators(@TempDir Path dir) throws Exception {
        for (ZeroXBowInputs.Case c : ZeroXBowInputs.commitmentCases(500, 3)) {
            JsonNode in = JSON.readTree(c.input());
            ObjectNode req = JSON.createObjectNode();
            req.set("note", in);
            req.putArray("stateLeaves").add("12345").add(c.publicSignals().get(0)).add("777");
            Path file = Files.writeString(dir.resolve("ragequit-" + c.seed() + ".json"), req.toString());
            assertEquals(in, JSON.readTree(PoolInputs.ragequitInputJson(file)), "seed " + c.seed());
            try (RagequitRequest r = RagequitRequest.parse(req.toString()); var inputs = r.toInputs()) {
                assertEquals(c.publicSignals(), inputs.publicSignals().stream().map(BigInteger::toString).toList());
            }
        }
    }

    @Test
    void hexNumbersAndJsonIntegersAreAccepted() throws Exception {
        ZeroXBowInputs.Case c = cases.get(2);
        ObjectNode req = (ObjectNode) JSON.readTree(c.request());
        req.put("withdrawnValue", new BigInteger(req.get("withdrawnValue").asText()));          // JSON integer
        ObjectNode note = (ObjectNode) req.get("note");
        note.put("label", "0x" + new BigInteger(note.get("label").asText()).toString(16));       // 0x-hex
        assertEquals(JSON.readTree(c.input()), JSON.readTree(PoolInputs.withdrawInputJson(req.toString())));
    }

    @Test
    void changeSecretsDerivedFromMasterKeys() throws Exception {
        ZeroXBowInputs.Case c = cases.get(2);
        BigInteger label = new BigInteger(JSON.readTree(c.request()).get("note").get("label").asText());
        for (String keys : List.of("{\"masterNullifier\": \"0x1234\", \"masterSecret\": \"98765\"}",
                "{\"mnemonic\": \"test test test test test test test test test test test junk\"}")) {
            ObjectNode req = (ObjectNode) JSON.readTree(c.request());
            req.remove("newNullifier");
            req.remove("newSecret");
            req.set("masterKeys", JSON.readTree(keys));
            req.put("index", "3");
            JsonNode out = JSON.readTree(PoolInputs.withdrawInputJson(req.toString()));
            try (MasterKeys mk = keys.contains("mnemonic")
                    ? MasterKeys.fromMnemonic("test test test test test test test test test test test junk")
                    : MasterKeys.of(BigInteger.valueOf(0x1234), BigInteger.valueOf(98765));
                 NoteSecrets expected = mk.withdrawalSecrets(label, BigInteger.valueOf(3))) {
                assertEquals(expected.nullifier().toString(), out.get("newNullifier").asText());
                assertEquals(expected.secret().toString(), out.get("newSecret").asText());
            }
        }
    }

    @Test
    void everyImpossibleWithdrawalHasItsNamedError() {
        ZeroXBowInputs.Case c = cases.get(2);
        BigInteger p = FieldValues.P;
        rejects(c, NonCanonicalFieldElementException.class, "note.nullifier", r -> note(r).put("nullifier", p.toString()));
        rejects(c, NonCanonicalFieldElementException.class, "stateLeaves[3]", r -> ((ArrayNode) r.get("stateLeaves")).set(3, p.toString()));
        rejects(c, NonCanonicalFieldElementException.class, "scope", r -> r.put("scope", p.add(BigInteger.ONE).toString()));
        rejects(c, ZeroValueException.class, "note.secret", r -> note(r).put("secret", "0"));
        rejects(c, ZeroValueException.class, "aspLeaves[0]", r -> ((ArrayNode) r.get("aspLeaves")).set(0, "0x0"));
        rejects(c, ZeroValueException.class, "newSecret", r -> r.put("newSecret", "0"));
        rejects(c, ValueOutOfRangeException.class, "withdrawnValue", r -> r.put("withdrawnValue", FieldValues.TWO_128.toString()));
        rejects(c, ValueOutOfRangeException.class, "note.value", r -> note(r).put("value", FieldValues.TWO_128.toString()));
        rejects(c, InvalidWithdrawnValueException.class, "withdrawnValue", r -> r.put("withdrawnValue", "0"));
        rejects(c, InvalidWithdrawnValueException.class, "withdrawnValue",
                r -> r.put("withdrawnValue", new BigInteger(note(r).get("value").asText()).add(BigInteger.ONE).toString()));
        rejects(c, NullifierReuseException.class, "newNullifier", r -> r.put("newNullifier", note(r).get("nullifier").asText()));
        rejects(c, CommitmentNotInStateTreeException.class, "note",
                r -> note(r).put("value", new BigInteger(note(r).get("value").asText()).add(BigInteger.ONE).toString()));
        rejects(c, CommitmentNotInStateTreeException.class, "note", r -> r.putArray("stateLeaves"));
        rejects(c, LabelNotInAspTreeException.class, "note.label", r -> {
            ArrayNode asp = (ArrayNode) r.get("aspLeaves");
            for (int i = 0; i < asp.size(); i++) if (asp.get(i).asText().equals(note(r).get("label").asText())) asp.set(i, "42");
        });
        // ragequit's only check beyond the note itself
        ObjectNode rq = JSON.createObjectNode();
        rq.set("note", JSON.createObjectNode().put("value", "5").put("label", "6").put("nullifier", "7").put("secret", "8"));
        rq.putArray("stateLeaves").add("1").add("2");
        assertThrows(CommitmentNotInStateTreeException.class, () -> PoolInputs.ragequitInputJson(rq.toString()));
    }

    @Test
    void malformedRequestsNameTheField() {
        ZeroXBowInputs.Case c = cases.get(2);
        malformed(c, "note.value", "missing", r -> note(r).remove("value"));
        malformed(c, "note.label", "not a decimal or 0x-hex number", r -> note(r).put("label", "12ab"));
        malformed(c, "withdrawnValue", "must be an integer", r -> r.put("withdrawnValue", 1.5));
        malformed(c, "stateLeaves[1]", "not a decimal or 0x-hex number", r -> ((ArrayNode) r.get("stateLeaves")).set(1, "0x"));
        malformed(c, "aspLeaves", "must be an array", r -> r.put("aspLeaves", "1"));
        malformed(c, "withdrawal.processooor", "an address has 40 hex digits, not 39",
                r -> ((ObjectNode) r.get("withdrawal")).put("processooor", "0x" + "1".repeat(39)));
        malformed(c, "withdrawal.data", "odd number of hex digits", r -> ((ObjectNode) r.get("withdrawal")).put("data", "0x123"));
        malformed(c, "withdrawal", "missing", r -> r.remove("withdrawal"));
        malformed(c, "nullifer", "unknown field", r -> r.put("nullifer", "1"));
        malformed(c, "note.salt", "unknown field", r -> note(r).put("salt", "1"));
        malformed(c, "newNullifier", "missing (or give masterKeys and index", r -> { r.remove("newNullifier"); r.remove("newSecret"); });
        malformed(c, "newNullifier", "not both", r -> r.put("index", "1"));
        malformed(c, "index", "missing", r -> { r.remove("newNullifier"); r.remove("newSecret"); r.set("masterKeys", JSON.createObjectNode().put("mnemonic", "a b c")); });
        malformed(c, "masterKeys.masterSecret", "missing", r -> {
            r.remove("newNullifier"); r.remove("newSecret"); r.put("index", 0);
            r.set("masterKeys", JSON.createObjectNode().put("masterNullifier", "5"));
        });
        var e = assertThrows(RequestFormatException.class, () -> PoolInputs.withdrawInputJson("{\"note\": {\"secret\": \"31337\"  "));
        assertEquals("request", e.field());
        assertFalse(e.getMessage().contains("31337"), "a parse error must not echo the document");
        assertThrows(RequestFormatException.class, () -> PoolInputs.withdrawInputJson("[1, 2]"));
        var missing = assertThrows(RequestFormatException.class, () -> PoolInputs.withdrawInputJson(Path.of("/nonexistent/request.json")));
        assertTrue(missing.getMessage().contains("no such file"));
    }

    private static ObjectNode note(ObjectNode r) { return (ObjectNode) r.get("note"); }

    private static void rejects(ZeroXBowInputs.Case c, Class<? extends InputRejectedException> type, String field,
                                Consumer<ObjectNode> edit) {
        String json = edited(c, edit);
        InputRejectedException e = assertThrows(type, () -> PoolInputs.withdrawInputJson(json), type.getSimpleName() + " " + field);
        assertEquals(field, e.field(), e.getMessage());
        assertSecretsNotIn(c, e);
    }

    private static void malformed(ZeroXBowInputs.Case c, String field, String problem, Consumer<ObjectNode> edit) {
        String json = edited(c, edit);
        PpfarmException e = assertThrows(PpfarmException.class, () -> PoolInputs.withdrawInputJson(json), field);
        RequestFormatException rf = assertInstanceOf(RequestFormatException.class, e, e.getMessage());
        assertEquals(field, rf.field(), rf.getMessage());
        assertTrue(rf.getMessage().contains(problem), rf.getMessage());
        assertSecretsNotIn(c, e);
    }

    private static void assertSecretsNotIn(ZeroXBowInputs.Case c, Exception e) {
        try {
            JsonNode r = JSON.readTree(c.request());
            for (String s : List.of(r.get("note").get("nullifier").asText(), r.get("note").get("secret").asText(),
                    r.get("newNullifier").asText(), r.get("newSecret").asText())) {
                assertFalse(e.getMessage().contains(s), "message leaks a secret: " + e.getMessage());
            }
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }

    private static String edited(ZeroXBowInputs.Case c, Consumer<ObjectNode> edit) {
        try {
            ObjectNode r = (ObjectNode) JSON.readTree(c.request());
            edit.accept(r);
            return r.toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
