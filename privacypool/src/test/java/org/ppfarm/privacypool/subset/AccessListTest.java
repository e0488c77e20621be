package org.ppfarm.privacypool.subset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.privacypool.tree.FixedMerkleTree;

/**
 * Access lists: the three encodings round-trip and rebuild the same subset root; roots, proofs, commitments,
 * nullifiers and metadata against an independent circomlibjs/viem computation; a naive full tree for small depths;
 * malformed encodings name their field.
 */
class AccessListTest {
    @Test
    void seedExampleDecodesInEveryForm() {
        AccessList fromFirst = AccessList.fromJson("{\"treeType\":\"blocklist\",\"firstIndex\":12,\"list\":\"000000000000000000010000000001\"}");
        assertArrayEquals(new int[] {12, 32, 42}, fromFirst.indices());
        AccessList all = AccessList.of(ListType.BLOCKLIST, 0, 12, 32, 42);
        assertEquals("{\"treeType\":\"blocklist\",\"list\":\"1000000000001000000000000000000010000000001\"}", all.toJson(AccessList.Form.BITSTRING));
        assertEquals("{\"treeType\":\"blocklist\",\"firstIndex\":0,\"list\":\"000000000001000000000000000000010000000001\"}",
                all.toJson(AccessList.Form.FIRST_INDEX));
        assertEquals("{\"treeType\":\"blocklist\",\"indices\":[0,12,32,42]}", all.toJson(AccessList.Form.INDICES));
        assertFalse(all.allows(12));
        assertTrue(all.allows(13));
        assertTrue(AccessList.of(ListType.ALLOWLIST, 7).allows(7));
        assertFalse(AccessList.of(ListType.ALLOWLIST, 7).allows(8));
    }

    @Test
    void encodingsRoundTripAndRebuildTheRoot() {
        SplittableRandom rnd = new SplittableRandom(99);
        for (ListType type : ListType.values()) {
            for (int trial = 0; trial < 9; trial++) {
                int deposits = trial == 0 ? 0 : 1 + rnd.nextInt(trial < 7 ? 64 : 3000);
                double density = rnd.nextDouble();
                AccessList list = AccessList.fromFilter(type, deposits, i -> rnd.nextDouble() < density);
                BigInteger root = list.root(SubsetValues.DEPTH);
                for (AccessList.Form form : AccessList.Form.values()) {
                    String json = list.toJson(form);
                    AccessList back = AccessList.fromJson(json);
                    assertEquals(list, back, form + " " + json);
                    assertEquals(json, back.toJson(form), "canonical " + form);
                    assertEquals(root, back.root(SubsetValues.DEPTH), "root rebuilt from " + form);
                }
                if (deposits > 64) continue;
                // the same root leaf by leaf, with set() on a fresh tree (20 hashes a leaf: small lists only)
                FixedMerkleTree t = new FixedMerkleTree(SubsetValues.DEPTH, type.defaultLeaf());
                for (int i : list.indices()) t.set(i, type.namedLeaf());
                assertEquals(root, t.root());
            }
        }
        // non-canonical but valid input: trailing zeros, unsorted indices
        assertEquals(AccessList.of(ListType.ALLOWLIST, 1, 3), AccessList.fromJson("{\"treeType\":\"allowlist\",\"list\":\"01010000\"}"));
        assertEquals(AccessList.of(ListType.ALLOWLIST, 1, 3), AccessList.fromJson("{\"treeType\":\"allowlist\",\"indices\":[3,1]}"));
        // the empty lists: the empty block list allows everyone, the empty allow list no one
        assertEquals(new FixedMerkleTree(SubsetValues.DEPTH, SubsetValues.ALLOWED).root(), AccessList.of(ListType.BLOCKLIST).root(SubsetValues.DEPTH));
        assertEquals("{\"treeType\":\"allowlist\",\"list\":\"\"}", AccessList.of(ListType.ALLOWLIST).toJson(AccessList.Form.FIRST_INDEX));
    }

    @Test
    void matchesAnIndependentComputation() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Map<String, Object>> trees = new ArrayList<>();
        List<FixedMerkleTree> ours = new ArrayList<>();
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 65, 1000}) {
            AccessList list = AccessList.fromFilter(n % 2 == 0 ? ListType.ALLOWLIST : ListType.BLOCKLIST, n, i -> rnd.nextBoolean());
            List<String> leaves = new ArrayList<>();
            int length = list.indices().length == 0 ? 0 : list.indices()[list.indices().length - 1] + 1;
            for (int i = 0; i < length; i++) leaves.add(list.leaf(i).toString());
            trees.add(Map.of("depth", SubsetValues.DEPTH, "zero", list.type().defaultLeaf().toString(), "leaves", leaves));
            ours.add(list.tree(SubsetValues.DEPTH));
        }
        List<String> deposits = new ArrayList<>();
        for (int i = 0; i < 37; i++) deposits.add(field(rnd).toString());
        trees.add(Map.of("depth", SubsetValues.DEPTH, "zero", SubsetValues.EMPTY.toString(), "leaves", deposits));
        FixedMerkleTree depositTree = new FixedMerkleTree(SubsetValues.DEPTH, SubsetValues.EMPTY);
        deposits.forEach(d -> depositTree.append(new BigInteger(d)));
        ours.add(depositTree);

        List<Map<String, String>> notes = new ArrayList<>();
        for (int i = 0; i < 4; i++) notes.add(Map.of("secret", field(rnd).toString(), "asset", field(rnd).toString(), "index", Integer.toString(i * 1000)));
        List<Map<String, String>> metadata = List.of(Map.of("token", address(rnd).toString(), "denomination", "1000000000000000000",
                "recipient", address(rnd).toString(), "relayer", address(rnd).toString(), "fee", "12345"));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("trees", trees);
        request.put("notes", notes);
        request.put("metadata", metadata);
        JsonNode e = NodeOracle.call("subset-vectors.mjs", request);

        assertEquals(e.get("constants").get("empty").asText(), SubsetValues.EMPTY.toString());
        assertEquals(e.get("constants").get("allowed").asText(), SubsetValues.ALLOWED.toString());
        assertEquals(e.get("constants").get("blocked").asText(), SubsetValues.BLOCKED.toString());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(e.get("trees").get(i).get("root").asText(), ours.get(i).root().toString(), "tree " + i);
            List<String> s0 = new ArrayList<>();
            e.get("trees").get(i).get("siblings0").forEach(x -> s0.add(x.asText()));
            assertEquals(s0, ours.get(i).siblings(0).stream().map(BigInteger::toString).toList(), "tree " + i + " proof of 0");
        }
        for (int i = 0; i < notes.size(); i++) {
            BigInteger s = new BigInteger(notes.get(i).get("secret")), a = new BigInteger(notes.get(i).get("asset"));
            JsonNode x = e.get("notes").get(i);
            assertEquals(x.get("raw").asText(), SubsetWithdrawInputs.rawCommitment(s).toString());
            assertEquals(x.get("stamped").asText(), SubsetWithdrawInputs.stampedCommitment(s, a).toString());
            assertEquals(x.get("nullifier").asText(), SubsetWithdrawInputs.nullifier(s, Integer.parseInt(notes.get(i).get("index"))).toString());
        }
        Map<String, String> m = metadata.get(0);
        assertEquals(e.get("metadata").get(0).get("asset").asText(),
                SubsetValues.assetMetadata(Address.parse(m.get("token")), new BigInteger(m.get("denomination"))).toString());
        assertEquals(e.get("metadata").get(0).get("withdraw").asText(), SubsetValues.withdrawMetadata(Address.parse(m.get("recipient")),
                Address.parse(m.get("relayer")), new BigInteger(m.get("fee"))).toString());
    }

    @Test
    void fixedTreeAgainstANaiveFullTree() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int depth = 1; depth <= 6; depth++) {
            int n = rnd.nextInt(1 << depth) + 1;
            BigInteger zero = field(rnd);
            List<BigInteger> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) leaves.add(field(rnd));
            List<BigInteger> level = new ArrayList<>(leaves);
            while (level.size() < (1 << depth)) level.add(zero);
            List<List<BigInteger>> levels = new ArrayList<>(List.of(level));
            for (int l = 0; l < depth; l++) {
                List<BigInteger> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += 2) next.add(Poseidon.hashOf(level.get(i), level.get(i + 1)));
                levels.add(level = next);
            }
            FixedMerkleTree bulk = FixedMerkleTree.of(depth, zero, leaves);
            FixedMerkleTree incremental = new FixedMerkleTree(depth, zero);
            for (int i = n - 1; i >= 0; i--) incremental.set(i, leaves.get(i));   // right to left: exercises grow()
            assertEquals(level.get(0), bulk.root(), "depth " + depth);
            assertEquals(level.get(0), incremental.root(), "depth " + depth);
            for (int i = 0; i < (1 << depth); i++) {
                List<BigInteger> expected = new ArrayList<>();
                for (int l = 0, j = i; l < depth; l++, j >>= 1) expected.add(levels.get(l).get(j ^ 1));
                assertEquals(expected, bulk.siblings(i), "depth " + depth + " index " + i);
                assertEquals(level.get(0), FixedMerkleTree.rootFrom(bulk.leaf(i), i, bulk.siblings(i)));
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> new FixedMerkleTree(3, BigInteger.ONE).set(8, BigInteger.ONE));
    }

    @Test
    void malformedEncodingsNameTheField() {
        bad("treeType", "{\"treeType\":\"greylist\",\"list\":\"1\"}");
        bad("treeType", "{\"list\":\"1\"}");
        bad("list", "{\"treeType\":\"allowlist\",\"list\":\"10a\"}");
        bad("list", "{\"treeType\":\"allowlist\"}");
        bad("list", "{\"treeType\":\"allowlist\",\"list\":\"1\",\"indices\":[1]}");
        bad("firstIndex", "{\"treeType\":\"allowlist\",\"firstIndex\":-1,\"list\":\"1\"}");
        bad("firstIndex", "{\"treeType\":\"allowlist\",\"firstIndex\":2,\"indices\":[2]}");
        bad("indices[1]", "{\"treeType\":\"blocklist\",\"indices\":[4,4]}");
        bad("indices[0]", "{\"treeType\":\"blocklist\",\"indices\":[1.5]}");
        bad("colour", "{\"treeType\":\"blocklist\",\"list\":\"\",\"colour\":1}");
        bad("list document", "{\"treeType\":");
        var e = assertThrows(SubsetEncodingException.class, () -> AccessList.of(ListType.ALLOWLIST, 1 << 20).tree(SubsetValues.DEPTH));
        assertEquals("list", e.field());
    }

    private static void bad(String field, String json) {
        var e = assertThrows(SubsetEncodingException.class, () -> AccessList.fromJson(json), json);
        assertEquals(field, e.field(), e.getMessage());
    }

    private static BigInteger field(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(org.ppfarm.privacypool.protocol.FieldValues.P);
    }

    private static Address address(SplittableRandom rnd) {
        byte[] b = new byte[20];
        rnd.nextBytes(b);
        return Address.of(b);
    }
}
