package org.ppfarm.prover.setup;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.format.R1csFile;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

/**
 * The development setup's keys against snarkjs, on circuits of 1, 22 and 4 public signals and 2^2 to 2^11 domains:
 * snarkjs exports the same verification key from the zkey as the setup wrote; ppfarm's proofs verify with
 * {@code snarkjs groth16 verify}; snarkjs's proofs with the zkey verify with snarkjs and ppfarm; a changed public
 * signal fails both verifiers. Run once per build on small circuits: the cross-check that lets other tests (the
 * subset circuit's) use these keys instead of snarkjs's minutes-long ceremony.
 */
class DevSetupTest {
    static Stream<TestCircuits.Fixture> circuits() {
        return Stream.of(TestCircuits.onePublic(), TestCircuits.manyPublic(), TestCircuits.poseidon());
    }

    @ParameterizedTest
    @MethodSource("circuits")
    void keysProveAndVerifyWithPpfarmAndSnarkjs(TestCircuits.Fixture fx, @TempDir Path dir) throws IOException {
        Path zkey = dir.resolve("dev.zkey"), vkey = dir.resolve("verification_key.json");
        ProvingKey written = DevSetup.write(fx.r1cs(), zkey, vkey);
        assertEquals(1 << fx.info().domainPower(), written.domainSize(), "snarkjs's domain for " + fx.name());

        // snarkjs reads the header and IC as written: its exported verification key is ours, vk_alphabeta_12 included
        Path exported = dir.resolve("exported.json");
        Snarkjs.exportVkey(zkey, exported);
        assertEquals(Files.readString(vkey), Files.readString(exported));

        // the file reads back as the key that was written
        ProvingKey pk = ZkeyFile.read(zkey);
        assertArrayEquals(written.pointsCH().toArray(JAVA_LONG), pk.pointsCH().toArray(JAVA_LONG));
        assertArrayEquals(written.pointsB2().toArray(JAVA_LONG), pk.pointsB2().toArray(JAVA_LONG));
        assertArrayEquals(written.a().coef(), pk.a().coef());

        Path input = Files.writeString(dir.resolve("input.json"), fx.input(7)), wtns = dir.resolve("witness.wtns");
        Snarkjs.wtnsCalculate(fx.wasm(), input, wtns);
        VerificationKey vk = VerificationKey.readJson(vkey);

        // (a) ppfarm proves, snarkjs verifies
        ProofResult ours = Groth16Prover.cpu().prove(pk, WtnsFile.read(wtns));
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        ours.proof().writeJson(proof);
        ours.publicSignals().writeJson(pub);
        assertTrue(Snarkjs.groth16Verify(vkey, pub, proof), "snarkjs verifies ppfarm's proof for " + fx.name());
        assertTrue(Verifier.verify(vk, ours.publicSignals(), ours.proof()));

        // (b) snarkjs proves with the zkey, both verify
        Path sProof = dir.resolve("snarkjs-proof.json"), sPub = dir.resolve("snarkjs-public.json");
        Snarkjs.groth16Prove(zkey, wtns, sProof, sPub);
        assertTrue(Snarkjs.groth16Verify(vkey, sPub, sProof), "snarkjs verifies its own proof for " + fx.name());
        assertTrue(Verifier.verify(vk, PublicSignals.readJson(sPub), Proof.readJson(sProof)));
        assertEquals(ours.publicSignals().toJson(), Files.readString(sPub));

        // a wrong public signal fails both verifiers
        PublicSignals wrong = lastPlusOne(ours.publicSignals());
        assertFalse(Verifier.verify(vk, wrong, ours.proof()));
        Path wrongPub = dir.resolve("wrong-public.json");
        wrong.writeJson(wrongPub);
        assertFalse(Snarkjs.groth16Verify(vkey, wrongPub, proof));
        assertFalse(Snarkjs.groth16Verify(vkey, wrongPub, sProof));
    }

    @Test
    void theKeyIsMadeFromTheGivenSecrets() {
        TestCircuits.Fixture fx = TestCircuits.onePublic();
        DevSetup.Toxic toxic = new DevSetup.Toxic(BigInteger.valueOf(5), BigInteger.valueOf(7), BigInteger.valueOf(11),
                BigInteger.valueOf(13), BigInteger.valueOf(17));
        var r1cs = R1csFile.read(fx.r1cs());
        ProvingKey pk = DevSetup.keys(r1cs, "one_public", toxic);
        G1 g1 = G1.local();
        long[] alpha = new long[G1.JACOBIAN];
        g1.scalarMul(g1.jacobianOf(g1.generator()), 0, BigInteger.valueOf(7), alpha, 0);
        assertArrayEquals(g1.affineOf(alpha), pk.alpha1(), "alpha1 = 7·G1");
        assertArrayEquals(pk.pointsCH().toArray(JAVA_LONG), DevSetup.keys(r1cs, "one_public", toxic).pointsCH().toArray(JAVA_LONG),
                "same secrets, same key");
        assertFalse(Arrays.equals(pk.pointsCH().toArray(JAVA_LONG),
                DevSetup.keys(r1cs, "one_public", DevSetup.Toxic.random()).pointsCH().toArray(JAVA_LONG)));
        assertThrows(IllegalArgumentException.class, () -> new DevSetup.Toxic(BigInteger.ONE, BigInteger.ONE, BigInteger.ONE,
                BigInteger.ONE, Field.FR.modulus()));
    }

    private static PublicSignals lastPlusOne(PublicSignals p) {
        List<BigInteger> changed = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) changed.add(i == p.size() - 1 ? p.get(i).add(BigInteger.ONE).mod(Field.FR.modulus()) : p.get(i));
        return PublicSignals.of(changed);
    }
}
