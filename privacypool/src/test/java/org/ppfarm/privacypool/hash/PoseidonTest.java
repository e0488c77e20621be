package org.ppfarm.privacypool.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppfarm.privacypool.NodeOracle;
import org.ppfarm.prover.bn254.Field;

/** Poseidon for every width ppfarm ships, against circomlibjs's reference permutation and its wasm build. */
class PoseidonTest {
    private static final BigInteger P = Field.FR.modulus();

    @Test
    void matchesCircomlibjsForEveryWidth() {
        SplittableRandom rnd = new SplittableRandom(4242);
        List<BigInteger> edges = List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, P.subtract(BigInteger.ONE),
                P.shiftRight(1), BigInteger.ONE.shiftLeft(128), BigInteger.ONE.shiftLeft(253).subtract(BigInteger.ONE));
        List<List<BigInteger>> cases = new ArrayList<>();
        for (int n = 1; n <= Poseidon.MAX_INPUTS; n++) {
            for (BigInteger e : edges) {
                List<BigInteger> xs = new ArrayList<>();
                for (int i = 0; i < n; i++) xs.add(i == n - 1 ? e : random(rnd));
                cases.add(xs);
            }
            for (int k = 0; k < 12; k++) {
                List<BigInteger> xs = new ArrayList<>();
                for (int i = 0; i < n; i++) xs.add(random(rnd));
                cases.add(xs);
            }
        }
        List<List<String>> request = cases.stream().map(xs -> xs.stream().map(BigInteger::toString).toList()).toList();
        JsonNode expected = NodeOracle.call("poseidon-vectors.mjs", request);
        assertEquals(cases.size(), expected.size());
        for (int i = 0; i < cases.size(); i++) {
            BigInteger[] in = cases.get(i).toArray(BigInteger[]::new);
            BigInteger got = Poseidon.hashOf(in);
            assertEquals(new BigInteger(expected.get(i).get(0).asText()), got, "reference, case " + i + " " + cases.get(i));
            assertEquals(new BigInteger(expected.get(i).get(1).asText()), got, "wasm, case " + i);
        }
    }

    @Test
    void hotPathReadsAtOffsetsAndMayWriteOverItsInputs() {
        Field f = Field.FR;
        Poseidon h = Poseidon.of(2);
        BigInteger a = new BigInteger("12345678901234567890"), b = P.subtract(BigInteger.TEN);
        long[] buf = new long[4 * 5];
        f.fromBigInteger(a, buf, 8);
        f.fromBigInteger(b, buf, 12);
        long[] scratch = h.newScratch();
        h.hash(buf, 8, buf, 8, scratch);        // result over the first input
        assertEquals(h.hash(a, b), f.toBigInteger(buf, 8));
        // a dirty scratch from an earlier hash must not leak into the next one
        f.fromBigInteger(a, buf, 8);
        f.fromBigInteger(b, buf, 12);
        h.hash(buf, 8, buf, 16, scratch);
        assertEquals(h.hash(a, b), f.toBigInteger(buf, 16));
    }

    @Test
    void refusesWrongArityAndNonCanonicalInputs() {
        assertThrows(IllegalArgumentException.class, () -> Poseidon.of(0));
        assertThrows(IllegalArgumentException.class, () -> Poseidon.of(Poseidon.MAX_INPUTS + 1));
        assertThrows(IllegalArgumentException.class, () -> Poseidon.of(2).hash(BigInteger.ONE));
        assertThrows(IllegalArgumentException.class, () -> Poseidon.hashOf(P));
        assertThrows(IllegalArgumentException.class, () -> Poseidon.hashOf(BigInteger.ONE.negate()));
    }

    private static BigInteger random(SplittableRandom rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return new BigInteger(1, b).mod(P);
    }
}
