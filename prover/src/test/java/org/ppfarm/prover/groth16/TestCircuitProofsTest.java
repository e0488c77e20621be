package org.ppfarm.prover.groth16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.testkit.TestCircuits;

/** snarkjs proofs on the testkit's circuits with 1 and 22 public signals: their keys, proofs and verdicts. */
class TestCircuitProofsTest {
    static Stream<TestCircuits.Fixture> circuits() { return Stream.of(TestCircuits.onePublic(), TestCircuits.manyPublic()); }

    @ParameterizedTest
    @MethodSource("circuits")
    void snarkjsProofsVerifyAndKeysRoundTrip(TestCircuits.Fixture fx, @TempDir Path tmp) throws IOException {
        TestCircuits.Reference ref = fx.reference(tmp, 42);
        VerificationKey vk = VerificationKey.readJson(fx.vkey());
        assertEquals(Files.readString(fx.vkey()), vk.toJson());
        assertEquals(fx.info().nPublic(), vk.nPublic());
        PublicSignals pub = PublicSignals.readJson(ref.publicJson());
        assertEquals(Files.readString(ref.publicJson()), pub.toJson());
        Proof proof = Proof.readJson(ref.proof());
        assertEquals(Files.readString(ref.proof()), proof.toJson());
        PreparedVerifyingKey pvk = PreparedVerifyingKey.of(vk);
        assertTrue(Verifier.verify(pvk, pub, proof));
        List<BigInteger> changed = new ArrayList<>();
        for (int i = 0; i < pub.size(); i++) changed.add(i == pub.size() - 1 ? pub.get(i).add(BigInteger.ONE).mod(SnarkjsJson.R) : pub.get(i));
        assertFalse(Verifier.verify(pvk, PublicSignals.of(changed), proof));
    }
}
