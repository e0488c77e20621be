package org.ppfarm.privacypool.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.privacypool.eth.Address;

/**
 * Commitments, nullifier hashes, key derivation and context against the 0xbow SDK; scope and label against viem's
 * encodePacked/keccak256 (the contract's formula); address checksums against viem's getAddress.
 */
class PoolProtocolTest {
    private static final BigInteger P = FieldValues.P;

    @Test
    void matchesTheSdkAndViem() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Map<String, String>> notes = new ArrayList<>();
        List<BigInteger> values = List.of(BigInteger.ZERO, BigInteger.ONE, FieldValues.TWO_128.subtract(BigInteger.ONE),
                new BigInteger("1000000000000000000"), field(rnd).mod(FieldValues.TWO_128));
        for (BigInteger v : values) {
            notes.add(Map.of("value", v.toString(), "label", nonZero(rnd).toString(),
                    "nullifier", nonZero(rnd).toString(), "secret", nonZero(rnd).toString()));
        }
        notes.add(Map.of("value", "5", "label", P.subtract(BigInteger.ONE).toString(), "nullifier", "1", "secret",
                P.subtract(BigInteger.ONE).toString()));
        List<Map<String, String>> keys = new ArrayList<>();
        for (BigInteger index : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(7), BigInteger.valueOf(1L << 40))) {
            keys.add(Map.of("masterNullifier", nonZero(rnd).toString(), "masterSecret", nonZero(rnd).toString(),
                    "scope", field(rnd).toString(), "label", field(rnd).toString(), "index", index.toString()));
        }
        List<String> mnemonics = List.of("test test test test test test test test test test test junk",
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                "legal winner thank year wave sausage worth useful legal winner thank yellow");
        List<Map<String, String>> contexts = new ArrayList<>();
        for (int len : new int[] {0, 2, 31, 32, 33, 100}) {
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            contexts.add(Map.of("processooor", address(rnd).toChecksumString(), "data", "0x" + HexFormat.of().formatHex(data),
                    "scope", field(rnd).toString()));
        }
        List<Map<String, String>> scopes = new ArrayList<>();
        for (BigInteger chain : List.of(BigInteger.ONE, BigInteger.valueOf(11155111), BigInteger.ONE.shiftLeft(255))) {
            scopes.add(Map.of("pool", address(rnd).toString(), "chainId", chain.toString(), "asset", address(rnd).toString()));
        }
        List<Map<String, String>> labels = new ArrayList<>();
        for (BigInteger nonce : List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(123456), BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))) {
            labels.add(Map.of("scope", field(rnd).toString(), "nonce", nonce.toString()));
        }
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 8; i++) addresses.add(address(rnd).toString());

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("notes", notes);
        request.put("keys", keys);
        request.put("mnemonics", mnemonics);
        request.put("contexts", contexts);
        request.put("scopes", scopes);
        request.put("labels", labels);
        request.put("addresses", addresses);
        JsonNode e = NodeOracle.call("protocol-vectors.mjs", request);

        for (int i = 0; i < notes.size(); i++) {
            Map<String, String> n = notes.get(i);
            try (Note note = Note.of(big(n.get("value")), big(n.get("label")),
                    NoteSecrets.of(big(n.get("nullifier")), big(n.get("secret"))))) {
                JsonNode x = e.get("notes").get(i);
                assertEquals(big(x.get("commitment")), note.commitment(), "commitment " + i);
                assertEquals(big(x.get("precommitment")), note.secrets().precommitment(), "precommitment " + i);
                assertEquals(big(x.get("nullifierHash")), note.nullifierHash(), "nullifierHash " + i);
                assertEquals(note.commitment(), PoolProtocol.commitment(note.value(), note.label(),
                        PoolProtocol.precommitment(big(n.get("nullifier")), big(n.get("secret")))));
                assertEquals(note.nullifierHash(), PoolProtocol.nullifierHash(big(n.get("nullifier"))));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            Map<String, String> k = keys.get(i);
            JsonNode x = e.get("keys").get(i);
            try (MasterKeys mk = MasterKeys.of(big(k.get("masterNullifier")), big(k.get("masterSecret")));
                 NoteSecrets d = mk.depositSecrets(big(k.get("scope")), big(k.get("index")));
                 NoteSecrets w = mk.withdrawalSecrets(big(k.get("label")), big(k.get("index")))) {
                assertEquals(big(x.get("deposit").get("nullifier")), d.nullifier(), "deposit nullifier " + i);
                assertEquals(big(x.get("deposit").get("secret")), d.secret(), "deposit secret " + i);
                assertEquals(big(x.get("withdrawal").get("nullifier")), w.nullifier(), "withdrawal nullifier " + i);
                assertEquals(big(x.get("withdrawal").get("secret")), w.secret(), "withdrawal secret " + i);
            }
        }
        for (int i = 0; i < mnemonics.size(); i++) {
            try (MasterKeys mk = MasterKeys.fromMnemonic(mnemonics.get(i))) {
                assertEquals(big(e.get("mnemonics").get(i).get("masterNullifier")), mk.masterNullifier(), "mnemonic " + i);
                assertEquals(big(e.get("mnemonics").get(i).get("masterSecret")), mk.masterSecret(), "mnemonic " + i);
            }
        }
        for (int i = 0; i < contexts.size(); i++) {
            Map<String, String> c = contexts.get(i);
            Withdrawal w = new Withdrawal(Address.parse(c.get("processooor")), HexFormat.of().parseHex(c.get("data").substring(2)));
            assertEquals(big(e.get("contexts").get(i)), PoolProtocol.context(w, big(c.get("scope"))), "context " + i);
        }
        for (int i = 0; i < scopes.size(); i++) {
            Map<String, String> s = scopes.get(i);
            assertEquals(big(e.get("scopes").get(i)), PoolProtocol.scope(Address.parse(s.get("pool")), big(s.get("chainId")),
                    Address.parse(s.get("asset"))), "scope " + i);
        }
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(big(e.get("labels").get(i)), PoolProtocol.label(big(labels.get(i).get("scope")), big(labels.get(i).get("nonce"))));
        }
        for (int i = 0; i < addresses.size(); i++) {
            String checksummed = e.get("addresses").get(i).asText();
            assertEquals(checksummed, Address.parse(addresses.get(i)).toChecksumString());
            assertEquals(Address.parse(addresses.get(i)), Address.parse(checksummed));
        }
    }

    @Test
    void addressesRefuseBadTextAndWrongChecksums() {
        Address a = Address.parse("0x52908400098527886e0f7030069857d2e4169ee7");
        assertEquals("0x52908400098527886E0F7030069857D2E4169EE7", a.toChecksumString());  // EIP-55's own example
        assertThrows(IllegalArgumentException.class, () -> Address.parse("0x52908400098527886E0F7030069857D2E4169Ee7"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse("52908400098527886e0f7030069857d2e4169ee7"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse("0x52908400098527886e0f7030069857d2e4169ee"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse("0x52908400098527886e0f7030069857d2e4169eg7"));
    }

    @Test
    void secretsAreWipedAndNeverPrinted() {
        NoteSecrets s = NoteSecrets.of(BigInteger.valueOf(123456789), BigInteger.valueOf(987654321));
        assertEquals("NoteSecrets[redacted]", s.toString());
        s.close();
        assertEquals("NoteSecrets[wiped]", s.toString());
        assertThrows(IllegalStateException.class, s::nullifier);
        MasterKeys k = MasterKeys.of(BigInteger.TWO, BigInteger.TEN);
        k.close();
        assertThrows(IllegalStateException.class, () -> k.depositSecrets(BigInteger.ONE, BigInteger.ZERO));
    }

    @Test
    void namedErrorsForBadNotes() {
        var e1 = assertThrows(NonCanonicalFieldElementException.class, () -> NoteSecrets.of(P, BigInteger.ONE, "note.nullifier", "note.secret"));
        assertEquals("note.nullifier", e1.field());
        var e2 = assertThrows(ZeroValueException.class, () -> NoteSecrets.of(BigInteger.ONE, BigInteger.ZERO, "note.nullifier", "note.secret"));
        assertEquals("note.secret: must not be zero", e2.getMessage());
        var e3 = assertThrows(ValueOutOfRangeException.class, () -> Note.of(FieldValues.TWO_128, BigInteger.ONE, NoteSecrets.of(BigInteger.ONE, BigInteger.TWO)));
        assertEquals("note.value", e3.field());
        assertThrows(NonCanonicalFieldElementException.class, () -> Note.of(BigInteger.ONE.negate(), BigInteger.ONE, NoteSecrets.of(BigInteger.ONE, BigInteger.TWO)));
        var e4 = assertThrows(ZeroValueException.class, () -> Note.of(BigInteger.ONE, BigInteger.ZERO, NoteSecrets.of(BigInteger.ONE, BigInteger.TWO)));
        assertEquals("note.label", e4.field());
        assertThrows(NonCanonicalFieldElementException.class, () -> MasterKeys.of(P.add(BigInteger.ONE), BigInteger.ONE));
    }

    private static BigInteger field(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(P);
    }

    private static BigInteger nonZero(SplittableRandom rnd) {
        BigInteger v = field(rnd);
        return v.signum() == 0 ? BigInteger.ONE : v;
    }

    private static Address address(SplittableRandom rnd) {
        byte[] b = new byte[20];
        rnd.nextBytes(b);
        return Address.of(b);
    }

    private static BigInteger big(String s) { return new BigInteger(s); }

    private static BigInteger big(JsonNode n) { return new BigInteger(n.asText()); }
}
