package org.ppfarm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

/** The ppfarm command in-process: outputs against snarkjs, exit codes, and one-line errors for bad input. */
class PpfarmCliTest {
    @TempDir static Path dir;
    static Path zkey, vkey, wtns;

    record Run(int code, String out, String err) {
        /** Bad input: exit 2 and exactly one line on stderr, no stack trace, containing every part. */
        void assertOneLineError(String... parts) {
            assertEquals(Ppfarm.BAD_INPUT, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            assertEquals(1, err.strip().lines().count(), () -> "one line: " + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception:"), () -> "no stack trace: " + err);
            for (String p : parts) assertTrue(err.contains(p), () -> "'" + err.strip() + "' lacks '" + p + "'");
        }
    }

    static Run ppfarm(Object... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int code = Ppfarm.run(new PrintWriter(out, true), new PrintWriter(err, true), a);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void commitmentWitness() throws IOException {
        zkey = Artifacts.commitmentZkey();
        vkey = Artifacts.commitmentVkey();
        wtns = dir.resolve("commitment.wtns");
        Path input = Files.writeString(dir.resolve("input.json"), "{\"value\":\"5\",\"label\":\"6\",\"nullifier\":\"7\",\"secret\":\"8\"}");
        Snarkjs.wtnsCalculate(Artifacts.commitmentWasm(), input, wtns);
    }

    /**
     * A farm that cannot be reached: after the client's retries, one line with the status and the idempotency key the
     * command drew, so the caller can reach the job if it was accepted after all (exit 3: not the input's fault).
     */
    @Test
    void proveOnAFarmThatCannotBeReachedNamesTheKeyThatReachesTheJob() throws IOException {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) { dead = s.getLocalPort(); }
        Path input = Files.writeString(dir.resolve("unreached.json"), "{\"value\":\"5\",\"label\":\"6\",\"nullifier\":\"7\",\"secret\":\"8\"}");
        Run r = ppfarm("prove", "--server", "127.0.0.1:" + dead, "--circuit", "commitment", "--input", input);
        assertEquals(3, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().matches("(?s)ppfarm prove: UNAVAILABLE: .*; the job may still be proved: run the same command with "
                + "--idempotency-key ppfarm-[0-9a-f]{32} to reach it\\s*"), r.err());
    }

    @Test
    void proveVerifyCalldataAndExportVkeyAgreeWithSnarkjs() throws IOException {
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        Run prove = ppfarm("prove", zkey, wtns, proof, pub);
        assertEquals(0, prove.code(), prove.err());
        assertTrue(Snarkjs.groth16Verify(vkey, pub, proof));

        Run verify = ppfarm("verify", vkey, pub, proof);
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().contains("OK"));

        Run calldata = ppfarm("calldata", pub, proof);
        assertEquals(0, calldata.code(), calldata.err());
        assertEquals(Snarkjs.zkeyExportSolidityCalldata(pub, proof) + System.lineSeparator(), calldata.out());

        Path ours = dir.resolve("vkey-ppfarm.json"), theirs = dir.resolve("vkey-snarkjs.json");
        assertEquals(0, ppfarm("zkey", "export-vkey", zkey, ours).code());
        Snarkjs.exportVkey(zkey, theirs);
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    @Test
    void verifyExitCodes() throws IOException {
        Path proof = dir.resolve("v-proof.json"), pub = dir.resolve("v-public.json");
        assertEquals(0, ppfarm("prove", zkey, wtns, proof, pub).code());
        String signals = Files.readString(pub);
        Path badPub = Files.writeString(dir.resolve("v-bad-public.json"), signals.replaceFirst("\"5\"", "\"4\""));
        assertTrue(!signals.equals(Files.readString(badPub)), "the value signal 5 is public");
        Run invalid = ppfarm("verify", vkey, badPub, proof);
        assertEquals(Ppfarm.INVALID, invalid.code(), invalid.err());
        assertTrue(invalid.out().contains("INVALID"));

        ppfarm("verify", Artifacts.withdrawVkey(), pub, proof).assertOneLineError("public signals", "8");
        Path notJson = Files.writeString(dir.resolve("not.json"), "{\"pi_a\": [");
        ppfarm("verify", vkey, pub, notJson).assertOneLineError(notJson.toString());
        ppfarm("verify", vkey, dir.resolve("missing.json"), proof).assertOneLineError("missing.json", "does not exist");
    }

    @Test
    void badProvingInputsAreOneLineErrors() throws IOException {
        Path proof = dir.resolve("e-proof.json"), pub = dir.resolve("e-public.json");
        ppfarm("prove", dir.resolve("nope.zkey"), wtns, proof, pub).assertOneLineError("nope.zkey", "does not exist");

        byte[] key = Files.readAllBytes(zkey);
        Path truncated = dir.resolve("truncated.zkey");
        Files.write(truncated, Arrays.copyOf(key, key.length / 2));
        ppfarm("prove", truncated, wtns, proof, pub).assertOneLineError("truncated.zkey", "section", "truncated");

        byte[] plonk = key.clone();
        ByteBuffer.wrap(plonk).order(ByteOrder.LITTLE_ENDIAN).putInt(12 + 12, 2); // section 1's protocol id
        Path plonkKey = Files.write(dir.resolve("plonk.zkey"), plonk);
        ppfarm("prove", plonkKey, wtns, proof, pub).assertOneLineError("plonk.zkey", "section 1", "not a Groth16 zkey");
        ppfarm("zkey", "export-vkey", plonkKey, dir.resolve("v.json")).assertOneLineError("not a Groth16 zkey");

        TestCircuits.Fixture one = TestCircuits.onePublic();
        Path otherWtns = one.reference(dir.resolve("one"), 1).wtns();
        ppfarm("prove", zkey, otherWtns, proof, pub).assertOneLineError(otherWtns.toString(), "signals", "1542");

        Path garbage = Files.write(dir.resolve("garbage.wtns"), new byte[] {'w', 't', 'n', 's', 9, 0, 0, 0});
        ppfarm("prove", zkey, garbage, proof, pub).assertOneLineError("garbage.wtns");

        ppfarm("prove", zkey, wtns, dir.resolve("no/such/dir/proof.json"), pub).assertOneLineError("proof.json", "does not exist");
        ppfarm("prove", zkey, wtns).assertOneLineError("ppfarm prove", "Missing required parameter");
        ppfarm("frobnicate").assertOneLineError("frobnicate");
        assertFalse(Files.exists(proof), "no proof is written from bad input");
    }

    @Test
    void benchPrintsTheWarmMedianWithMinAndMax() {
        Run bench = ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--runs", 3, "--warmup", 1, "--verbose");
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("median \\d+\\.\\d ms")), bench.out());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("min \\d+\\.\\d ms")), bench.out());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("max \\d+\\.\\d ms")), bench.out());
        assertTrue(bench.out().contains("stage msm_ch"), bench.out());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("fixed-base tables: \\d+\\.\\d MB, built in \\d+ ms \\(cpu -?\\d+ ms\\)")), bench.out());
        ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--runs", 0).assertOneLineError("--runs");
        ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--pause", -1).assertOneLineError("--pause", "must not be negative");
    }

    /** {@code --pause}: the idle time before each timed proof is said, and waited (3 runs after 200 ms each take 0.6 s at least). */
    @Test
    void benchPausesBeforeEachTimedProof() {
        long t0 = System.nanoTime();
        Run bench = ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--runs", 3, "--warmup", 0, "--pause", 200);
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("runs 3, 200 ms idle before each timed proof"), bench.out());
        assertTrue(System.nanoTime() - t0 >= 600_000_000L, "three pauses of 200 ms were waited");
    }
}
