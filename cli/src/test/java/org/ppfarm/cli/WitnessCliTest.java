package org.ppfarm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.ZeroXBowInputs;

/** {@code ppfarm wtns calculate}, {@code prove --wasm --input} and {@code bench --wasm --input}, against snarkjs. */
class WitnessCliTest {
    @TempDir Path dir;

    @Test
    void wtnsCalculateWritesSnarkjsBytes() throws Exception {
        Path input = ZeroXBowInputs.write(dir, "commitment.json", ZeroXBowInputs.commitment(5));
        Path ours = dir.resolve("ours.wtns"), theirs = dir.resolve("snarkjs.wtns");
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("wtns", "calculate", Artifacts.commitmentWasm(), input, ours);
        assertEquals(0, r.code(), r.err());
        Snarkjs.wtnsCalculate(Artifacts.commitmentWasm(), input, theirs);
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    @Test
    void proveFromWithdrawInputsVerifiesWithSnarkjs() throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(31, 1, 40, 7, false).getFirst();
        Path input = ZeroXBowInputs.write(dir, "withdraw.json", c.input());
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("prove", "--wasm", Artifacts.withdrawWasm(), "--input", input, Artifacts.withdrawZkey(), proof, pub);
        assertEquals(0, r.code(), r.err());
        assertTrue(Snarkjs.groth16Verify(Artifacts.withdrawVkey(), pub, proof));
        List<String> signals = new ArrayList<>();
        new ObjectMapper().readTree(pub.toFile()).forEach(n -> signals.add(n.asText()));
        assertEquals(c.publicSignals(), signals);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".wtns")), "no witness file is written");
        }
    }

    @Test
    void badInputsAreOneLineErrorsNamingTheSignal() throws Exception {
        Path input = Files.writeString(dir.resolve("in.json"), "{\"value\":\"5\",\"label\":\"6\",\"nullifier\":\"7\",\"secrets\":\"8\"}");
        PpfarmCliTest.ppfarm("wtns", "calculate", Artifacts.commitmentWasm(), input, dir.resolve("w.wtns"))
                .assertOneLineError("wtns calculate", "in.json", "signal secrets is not an input of the circuit");
        Path p = Files.writeString(dir.resolve("p.json"), "{\"value\":\"5\",\"label\":\"6\",\"nullifier\":\"7\",\"secret\":\"8x\"}");
        PpfarmCliTest.ppfarm("prove", "--wasm", Artifacts.commitmentWasm(), "--input", p, Artifacts.commitmentZkey(),
                dir.resolve("proof.json"), dir.resolve("public.json")).assertOneLineError("p.json", "signal secret: not a number");
        PpfarmCliTest.ppfarm("prove", "--wasm", Artifacts.commitmentWasm(), Artifacts.commitmentZkey(), dir.resolve("a.json"), dir.resolve("b.json"))
                .assertOneLineError("--wasm and --input go together");
        assertFalse(Files.exists(dir.resolve("w.wtns")) || Files.exists(dir.resolve("proof.json")), "nothing written from bad input");
    }

    @Test
    void benchReportsWitnessAndProofMediansSeparately() throws Exception {
        Path input = ZeroXBowInputs.write(dir, "commitment.json", ZeroXBowInputs.commitment(9));
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("bench", "--zkey", Artifacts.commitmentZkey(), "--wasm", Artifacts.commitmentWasm(),
                "--input", input, "--runs", "2", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("witness median [0-9.]+ ms")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("median [0-9.]+ ms")), r.out());
        assertTrue(r.out().contains("first proof verified"), r.out());
    }
}
