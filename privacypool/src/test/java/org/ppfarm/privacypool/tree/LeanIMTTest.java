package org.ppfarm.privacypool.tree;

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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.prover.bn254.Field;

/**
 * The Lean IMT against @zk-kit/lean-imt 2.2.4: every size 1..70 and sizes around powers of two up to 1025, built by
 * insertMany, by single inserts and by mixed batches; roots, depths, every proof (single-child levels included) and
 * updates; and the 0xbow SDK's padded proof.
 */
class LeanIMTTest {
    private static final BigInteger P = Field.FR.modulus();

    private record Case(List<List<BigInteger>> batches, boolean single, List<int[]> updates, List<BigInteger> updateValues,
                        List<Integer> proofs) {}

    @Test
    void matchesZkKitLeanImtForManySizes() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<Case> cases = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>(IntStream.rangeClosed(1, 70).boxed().toList());
        sizes.addAll(List.of(127, 128, 129, 255, 256, 257, 1000, 1023, 1024, 1025));
        for (int n : sizes) {
            List<BigInteger> leaves = randomLeaves(rnd, n);
            List<Integer> proofs = n <= 70 ? IntStream.range(0, n).boxed().toList()
                    : List.of(0, 1, n / 2, n - 2, n - 1, rnd.nextInt(n));
            cases.add(new Case(List.of(leaves), false, List.of(), List.of(), proofs));
            if (n <= 40 || n == 129) {
                cases.add(new Case(List.of(leaves), true, List.of(), List.of(), proofs));
            }
            if (n >= 5) {  // batches of uneven sizes on top of an existing tree
                int a = n / 3, b = n / 2;
                cases.add(new Case(List.of(leaves.subList(0, a), leaves.subList(a, b), leaves.subList(b, n)), false,
                        List.of(), List.of(), proofs));
            }
            if (n >= 2 && n <= 70) {
                int[] idx = {rnd.nextInt(n), n - 1, 0};
                cases.add(new Case(List.of(leaves), false, List.of(idx), randomLeaves(rnd, idx.length), proofs));
            }
        }
        JsonNode expected = NodeOracle.call("lean-imt-vectors.mjs", cases.stream().map(LeanIMTTest::toJson).toList());
        assertEquals(cases.size(), expected.size());
        int sdkChecked = 0;
        for (int ci = 0; ci < cases.size(); ci++) {
            Case c = cases.get(ci);
            JsonNode e = expected.get(ci);
            LeanIMT tree = new LeanIMT();
            for (List<BigInteger> batch : c.batches) {
                if (c.single) batch.forEach(tree::insert);
                else tree.insertMany(batch);
            }
            for (int u = 0; u < c.updates.size(); u++) {
                for (int k = 0; k < c.updates.get(u).length; k++)
                    tree.update(c.updates.get(u)[k], c.updateValues.get(k));
            }
            String where = "case " + ci + " (size " + tree.size() + (c.single ? ", single inserts" : "") + ")";
            assertEquals(e.get("size").asInt(), tree.size(), where);
            assertEquals(e.get("depth").asInt(), tree.depth(), where);
            assertEquals(big(e.get("root")), tree.root(), where);
            for (int pi = 0; pi < c.proofs.size(); pi++) {
                MerkleProof p = tree.generateProof(c.proofs.get(pi));
                JsonNode ep = e.get("proofs").get(pi);
                String w = where + " proof of " + c.proofs.get(pi);
                assertEquals(big(ep.get("root")), p.root(), w);
                assertEquals(big(ep.get("leaf")), p.leaf(), w);
                assertEquals(ep.get("index").asLong(), p.index(), w);
                assertEquals(bigs(ep.get("siblings")), p.siblings(), w);
                assertTrue(p.verify(), w);
            }
            if (e.has("sdk")) {
                MerkleProof p = tree.generateProof(c.proofs.get(0));
                assertEquals(bigs(e.get("sdk").get("siblings")), p.paddedSiblings(LeanIMT.CIRCUIT_MAX_DEPTH), where + " sdk");
                assertEquals(e.get("sdk").get("index").asLong(), p.index(), where + " sdk");
                sdkChecked++;
            }
        }
        assertEquals(10, sdkChecked, "padded proofs compared with the 0xbow SDK");
    }

    @Test
    void indexOfFindsFirstAndMissReportsMinusOne() {
        List<BigInteger> leaves = randomLeaves(new SplittableRandom(3), 9);
        LeanIMT tree = new LeanIMT(leaves);
        for (int i = 0; i < leaves.size(); i++) assertEquals(i, tree.indexOf(leaves.get(i)));
        assertEquals(-1, tree.indexOf(BigInteger.valueOf(424242)));
        assertEquals(-1, tree.indexOf(BigInteger.ZERO));
        assertEquals(-1, tree.indexOf(P));
        tree.insert(leaves.get(4));
        assertEquals(4, tree.indexOf(leaves.get(4)));
        assertFalse(tree.has(BigInteger.valueOf(5)));
        assertEquals(leaves, tree.leaves().subList(0, 9));
    }

    @Test
    void singleLeafAndEmptyTrees() {
        LeanIMT tree = new LeanIMT();
        assertEquals(BigInteger.ZERO, tree.root());
        assertEquals(0, tree.depth());
        BigInteger x = BigInteger.valueOf(99);
        tree.insert(x);
        assertEquals(x, tree.root());
        MerkleProof p = tree.generateProof(0);
        assertEquals(0, p.index());
        assertEquals(List.of(), p.siblings());
        assertEquals(32, p.paddedSiblings(32).size());
        assertTrue(p.verify());
    }

    @Test
    void refusesZeroAndNonCanonicalLeavesAndBadIndices() {
        LeanIMT tree = new LeanIMT();
        assertThrows(InvalidLeafException.class, () -> tree.insert(BigInteger.ZERO));
        assertThrows(InvalidLeafException.class, () -> tree.insert(P));
        var e = assertThrows(InvalidLeafException.class, () -> tree.insertMany(List.of(BigInteger.ONE, BigInteger.ZERO)));
        assertEquals("leaves[1] is zero", e.getMessage());
        assertEquals(0, tree.size(), "a refused batch leaves the tree untouched");
        assertThrows(IllegalArgumentException.class, () -> tree.insertMany(List.of()));
        tree.insert(BigInteger.ONE);
        assertThrows(InvalidLeafException.class, () -> tree.update(0, BigInteger.ZERO));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.update(1, BigInteger.TWO));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.generateProof(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.generateProof(1));
    }

    private static Map<String, Object> toJson(Case c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches", c.batches.stream().map(b -> b.stream().map(BigInteger::toString).toList()).toList());
        m.put("single", c.single);
        List<List<Object>> ups = new ArrayList<>();
        for (int[] idx : c.updates) for (int k = 0; k < idx.length; k++) ups.add(List.of(idx[k], c.updateValues.get(k).toString()));
        m.put("updates", ups);
        m.put("proofs", c.proofs);
        int n = c.batches.stream().mapToInt(List::size).sum();
        m.put("sdk", c.updates.isEmpty() && !c.single && c.batches.size() == 1 && (n <= 9 || n == 129));
        return m;
    }

    static List<BigInteger> randomLeaves(SplittableRandom rnd, int n) {
        List<BigInteger> r = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[32];
            rnd.nextBytes(b);
            BigInteger v = new BigInteger(1, b).mod(P);
            r.add(v.signum() == 0 ? BigInteger.ONE : v);
        }
        return r;
    }

    private static BigInteger big(JsonNode n) { return new BigInteger(n.asText()); }

    private static List<BigInteger> bigs(JsonNode a) {
        List<BigInteger> r = new ArrayList<>();
        a.forEach(x -> r.add(big(x)));
        return r;
    }
}
