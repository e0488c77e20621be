package org.ppfarm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snarkjs wrappers report what snarkjs decides, in both directions. */
class SnarkjsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void calldataIsTheProofWithPiBSwappedThenThePublicSignals(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.manyPublic();
        TestCircuits.Reference ref = f.reference(tmp, 3);
        String calldata = Snarkjs.zkeyExportSolidityCalldata(ref.publicJson(), ref.proof());
        List<BigInteger> got = new ArrayList<>();
        Matcher m = Pattern.compile("\"0x([0-9a-f]{64})\"").matcher(calldata);
        while (m.find()) got.add(new BigInteger(m.group(1), 16));

        JsonNode p = JSON.readTree(Files.readString(ref.proof()));
        List<BigInteger> want = new ArrayList<>();
        for (int i = 0; i < 2; i++) want.add(new BigInteger(p.get("pi_a").get(i).asText()));
        for (int i = 0; i < 2; i++) {
            want.add(new BigInteger(p.get("pi_b").get(i).get(1).asText()));
            want.add(new BigInteger(p.get("pi_b").get(i).get(0).asText()));
        }
        for (int i = 0; i < 2; i++) want.add(new BigInteger(p.get("pi_c").get(i).asText()));
        for (String s : TestCircuitsTest.publicSignals(ref.publicJson())) want.add(new BigInteger(s));
        assertEquals(want, got);
        assertEquals(8 + 22, got.size());
    }

    @Test
    void wtnsCheckRejectsACorruptedWitness(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.belowPowerOfTwo();
        Path wtns = tmp.resolve("w.wtns");
        Snarkjs.wtnsCalculate(f.wasm(), Files.writeString(tmp.resolve("in.json"), f.input(9)), wtns);
        assertTrue(Snarkjs.wtnsCheck(f.r1cs(), wtns));
        byte[] b = Files.readAllBytes(wtns);
        b[b.length - 32] ^= 1; // low bit of the last signal: still canonical, no longer satisfying
        Path bad = Files.write(tmp.resolve("bad.wtns"), b);
        assertFalse(Snarkjs.wtnsCheck(f.r1cs(), bad));
    }

    @Test
    void verifyThrowsOnAMissingFileInsteadOfSayingInvalid(@TempDir Path tmp) {
        TestCircuits.Fixture f = TestCircuits.onePublic();
        assertThrows(IllegalStateException.class,
                () -> Snarkjs.groth16Verify(f.vkey(), tmp.resolve("missing-public.json"), tmp.resolve("missing-proof.json")));
    }

    @Test
    void exportedVkeyMatchesTheFixtures(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.assertion();
        Path vk = tmp.resolve("vk.json");
        Snarkjs.exportVkey(f.zkey(), vk);
        assertEquals(JSON.readTree(Files.readString(f.vkey())), JSON.readTree(Files.readString(vk)));
        assertEquals(f.info().nPublic(), JSON.readTree(Files.readString(vk)).get("nPublic").asLong());
    }
}
