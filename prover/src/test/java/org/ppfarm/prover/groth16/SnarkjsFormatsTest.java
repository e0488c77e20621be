package org.ppfarm.prover.groth16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Node;

/** verification_key.json, proof.json, public.json and calldata: byte for byte what snarkjs 0.7.5 writes. */
class SnarkjsFormatsTest {
    @Test
    void productionVerificationKeysRoundTripByteForByte() throws IOException {
        for (Path file : new Path[] {Artifacts.withdrawVkey(), Artifacts.commitmentVkey()}) {
            VerificationKey vk = VerificationKey.readJson(file);
            assertEquals(Files.readString(file), vk.toJson(), file.toString());
            assertEquals(vk, VerificationKey.parseJson(vk.toJson(), "again"));
        }
        assertEquals(8, VerificationKey.readJson(Artifacts.withdrawVkey()).nPublic());
    }

    @Test
    void writerMatchesSnarkjsZkeyExport(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("verification_key.json");
        Node.snarkjs("zkey", "export", "verificationkey", Artifacts.commitmentZkey().toString(), out.toString());
        assertEquals(Files.readString(out), VerificationKey.readJson(out).toJson());
    }

    @Test
    void proofAndPublicSignalsRoundTripByteForByte() throws IOException {
        CommitmentFixture fx = CommitmentFixture.get();
        assertEquals(Files.readString(fx.proof), Proof.readJson(fx.proof).toJson());
        PublicSignals pub = PublicSignals.readJson(fx.pub);
        assertEquals(4, pub.size());
        assertEquals(Files.readString(fx.pub), pub.toJson());
    }

    @Test
    void writesFilesSnarkjsReads(@TempDir Path tmp) {
        CommitmentFixture fx = CommitmentFixture.get();
        Path proof = tmp.resolve("proof.json"), pub = tmp.resolve("public.json"), vk = tmp.resolve("vk.json");
        Proof.readJson(fx.proof).writeJson(proof);
        PublicSignals.readJson(fx.pub).writeJson(pub);
        VerificationKey.readJson(fx.vkey).writeJson(vk);
        assertEquals(true, CommitmentFixture.snarkjsVerifies(vk, pub, proof));
    }

    @Test
    void calldataMatchesSnarkjs() {
        CommitmentFixture fx = CommitmentFixture.get();
        String ours = SolidityCalldata.format(Proof.readJson(fx.proof), PublicSignals.readJson(fx.pub));
        assertEquals(fx.calldata, ours + "\n");
    }

    @Test
    void emptyPublicSignalsAsBfjWritesThem() {
        assertEquals("[\n]", PublicSignals.of().toJson());
        assertEquals(0, PublicSignals.parseJson("[]", "public.json").size());
    }

    // ---- bad input: one line naming the file, the field and the problem ----

    private static String vkText() throws IOException { return Files.readString(Artifacts.withdrawVkey()); }

    private static String message(String json, String source) {
        return assertThrows(FormatException.class, () -> VerificationKey.parseJson(json, source)).getMessage();
    }

    @Test
    void verificationKeyErrorsNameTheField() throws IOException {
        String vk = vkText();
        String betaX = "16348171800823588416173124589066524623406261996681292662100840445103873053252";
        assertEquals("verification_key.json: vk_beta_2: point is not on the curve",
                message(vk.replace(betaX, "16348171800823588416173124589066524623406261996681292662100840445103873053253"), "verification_key.json"));
        String alphaX = "16428432848801857252194528405604668803277877773566238944394625302971855135431";
        assertEquals("vk: vk_alpha_1[0]: value is not below the base field modulus q",
                message(vk.replace(alphaX, SnarkjsJson.Q.toString()), "vk"));
        assertEquals("vk: vk_alpha_1[0]: not a decimal number: \"0x1\"", message(vk.replace(alphaX, "0x1"), "vk"));
        assertEquals("vk: protocol: expected \"groth16\", found \"plonk\"", message(vk.replace("\"groth16\"", "\"plonk\""), "vk"));
        assertEquals("vk: curve: expected \"bn128\", found \"bls12381\"", message(vk.replace("\"bn128\"", "\"bls12381\""), "vk"));
        assertEquals("vk: IC: expected nPublic + 1 = 8 points, found 9", message(vk.replace("\"nPublic\": 8", "\"nPublic\": 7"), "vk"));
        assertEquals("vk: nPublic: expected a non-negative integer, found \"8\"", message(vk.replace("\"nPublic\": 8", "\"nPublic\": \"8\""), "vk"));
        assertEquals("vk: vk_alpha_1: missing", message(vk.replace("\"vk_alpha_1\"", "\"vk_alpha_one\""), "vk"));
        // α changed to another valid point: the stored e(α, β) no longer matches
        String alphaY = "16846502678714586896801519656441059708016666274385668027902869494772365009666";
        String negY = SnarkjsJson.Q.subtract(new java.math.BigInteger(alphaY)).toString();
        assertEquals("vk: vk_alphabeta_12: does not equal e(vk_alpha_1, vk_beta_2)", message(vk.replace(alphaY, negY), "vk"));
        assertThrows(FormatException.class, () -> VerificationKey.parseJson(vk.substring(0, vk.length() / 2), "vk"));
        assertThrows(FormatException.class, () -> VerificationKey.parseJson("[1, 2]", "vk"));
    }

    @Test
    void g2OutsideTheSubgroupIsRefused() throws IOException {
        String vk = vkText();
        String[][] p = TwistPoints.outsideSubgroup(7);
        String beta = "[\n  [\n   \"16348171800823588416173124589066524623406261996681292662100840445103873053252\",\n   \"3182164110458002340215786955198810119980427837186618912744689678939861918171\"\n  ],\n  [\n   \"19687132236965066906216944365591810874384658708175106803089633851114028275753\",\n   \"4920802715848186258981584729175884379674325733638798907835771393452862684714\"\n  ]";
        String replacement = "[[\"" + p[0][0] + "\", \"" + p[0][1] + "\"], [\"" + p[1][0] + "\", \"" + p[1][1] + "\"]";
        org.junit.jupiter.api.Assertions.assertTrue(vk.contains(beta));
        assertEquals("vk: vk_beta_2: point is not in the G2 subgroup", message(vk.replace(beta, replacement), "vk"));
    }

    @Test
    void proofAndPublicErrorsNameTheField() throws IOException {
        CommitmentFixture fx = CommitmentFixture.get();
        String proof = Files.readString(fx.proof);
        String ax = Proof.readJson(fx.proof).toJson().split("\"")[3]; // pi_a[0]
        String bad = proof.replace(ax, ax.substring(0, ax.length() - 1) + (char) ((ax.charAt(ax.length() - 1) - '0' + 1) % 10 + '0'));
        assertEquals("proof.json: pi_a: point is not on the curve",
                assertThrows(FormatException.class, () -> Proof.parseJson(bad, "proof.json")).getMessage());
        assertEquals("proof.json: pi_c: missing",
                assertThrows(FormatException.class, () -> Proof.parseJson(proof.replace("\"pi_c\"", "\"pi_d\""), "proof.json")).getMessage());
        assertEquals("public.json: [1]: value is not below the scalar field modulus r",
                assertThrows(FormatException.class, () -> PublicSignals.parseJson("[\"1\", \"" + SnarkjsJson.R + "\"]", "public.json")).getMessage());
        assertEquals("public.json: [0]: expected a decimal string, found a number",
                assertThrows(FormatException.class, () -> PublicSignals.parseJson("[1]", "public.json")).getMessage());
        assertEquals("missing.json: file: does not exist",
                assertThrows(FormatException.class, () -> Proof.readJson(Path.of("missing.json"))).getMessage());
    }
}
