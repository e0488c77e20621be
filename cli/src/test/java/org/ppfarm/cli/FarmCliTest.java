package org.ppfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.embedded.EmbeddedFarm;
import org.ppfarm.worker.pipeline.EnginePipeline;

/**
 * The farm's commands in-process on the embedded farm (real KRaft broker, coordinator, worker): {@code demo} end to
 * end, the client commands against {@code up}'s farm, {@code inputs} and {@code backend}; proofs checked by snarkjs.
 */
class FarmCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void demoProvesASampleWithdrawalThatSnarkjsVerifies() throws Exception {
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("demo", "--deposits", "4");
        assertEquals(Ppfarm.OK, r.code(), r.err());
        String out = r.out();
        String proof = section(out, "proof.json:", "public.json");
        String pub = section(out, "public.json", "calldata:");
        pub = pub.substring(pub.indexOf('\n') + 1); // drop the heading's signal names
        Path proofFile = Files.writeString(dir.resolve("proof.json"), proof), pubFile = Files.writeString(dir.resolve("public.json"), pub);
        assertTrue(Snarkjs.groth16Verify(Artifacts.withdrawVkey(), pubFile, proofFile), "snarkjs verifies the printed proof:\n" + out);
        assertEquals(Snarkjs.zkeyExportSolidityCalldata(pubFile, proofFile).strip(), section(out, "calldata:", "timings:").strip());
        assertTrue(out.contains("backend cpu") && out.contains("verified: yes"), out);
        assertEquals(8, JSON.readTree(pub).size());
        assertTrue(r.err().contains("SUCCEEDED") && r.err().contains("shutting the farm down"), r.err());
    }

    @Test
    void loadRefusesABadFlagBeforeAnyLoad() {
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("load", "--rate", "-1", "--duration", "5s");
        org.junit.jupiter.api.Assertions.assertEquals(2, r.code(), r.err());
        org.junit.jupiter.api.Assertions.assertEquals("ppfarm load: rate: '-1' is not a positive number", r.err().strip());
    }

    @Test
    void loadRefusesFarmAccessOptionsItCannotUseBeforeAnyLoad() throws Exception {
        // a CA file that is not there, and TLS for the embedded farm, which is plaintext on loopback
        PpfarmCliTest.ppfarm("load", "--server", "127.0.0.1:1", "--tls-ca", dir.resolve("missing.pem"), "--duration", "5s")
                .assertOneLineError("missing.pem", "does not exist");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not used");
        PpfarmCliTest.ppfarm("load", "--tls-ca", ca, "--duration", "5s")
                .assertOneLineError("ppfarm load: --tls-ca: needs a server (the embedded farm listens in plaintext on loopback)");
    }

    /**
     * {@code ppfarm load} against a secured farm ({@code ppfarm up --secure}: TLS, API keys, inputs sealed by the
     * client): with the farm commands' options every request ends in a verified proof; without them the campaign
     * stops with exit 3 (the farm unreachable in plaintext) before sending any load.
     */
    @Test
    void loadReachesASecuredFarmWithTheFarmCommandsOptions() throws Exception {
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null,
                new EnginePipeline.Factory(EnginePipeline.Options.withoutTables()), 1, EmbeddedFarm.Options.defaults().protocolInputs()).secured())) {
            Path report = dir.resolve("secured");
            PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("load", "--server", farm.address(), "--tls-ca", farm.caFile(), "--api-key", farm.apiKey(),
                    "--seal-key-fingerprint", farm.sealKeyFingerprint(), "--circuit", "commitment", "--rate", "2", "--duration", "2s",
                    "--max-error-rate", "0", "--report", report);
            assertEquals(Ppfarm.OK, r.code(), r.err());
            var sum = JSON.readTree(report.resolve("summary.json").toFile());
            assertEquals(4, sum.at("/counts/succeeded").asLong(), sum.toPrettyString());
            assertEquals(4, sum.at("/verification/verified").asLong());
            PpfarmCliTest.Run plaintext = PpfarmCliTest.ppfarm("load", "--server", farm.address(), "--circuit", "commitment", "--duration", "2s");
            assertEquals(3, plaintext.code(), plaintext.err());
        }
    }

    @Test
    void clientCommandsAgainstTheEmbeddedFarm() throws Exception {
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null,
                new EnginePipeline.Factory(EnginePipeline.Options.withoutTables()), 1, EmbeddedFarm.Options.defaults().protocolInputs()))) {
            String server = farm.address();
            var list = PpfarmCliTest.ppfarm("circuits", "list", "--server", server);
            assertEquals(Ppfarm.OK, list.code(), list.err());
            assertTrue(list.out().contains("withdraw@1.0.2") && list.out().contains("commitment@1.0.2"), list.out());

            Path input = Files.writeString(dir.resolve("input.json"), ZeroXBowInputs.commitment(42));
            Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
            var prove = PpfarmCliTest.ppfarm("prove", "--server", server, "--circuit", "commitment", "--input", input,
                    "--proof", proof, "--public", pub);
            assertEquals(Ppfarm.OK, prove.code(), prove.err());
            assertTrue(Snarkjs.groth16Verify(Artifacts.commitmentVkey(), pub, proof));
            assertTrue(prove.out().contains("verified proof for job"), prove.out());

            var submit = PpfarmCliTest.ppfarm("submit", "--server", server, "--circuit", "commitment@1.0.2", "--input", input);
            assertEquals(Ppfarm.OK, submit.code(), submit.err());
            String job = submit.out().strip();
            var watch = PpfarmCliTest.ppfarm("watch", "--server", server, job);
            assertEquals(Ppfarm.OK, watch.code(), watch.err());
            assertTrue(watch.out().strip().endsWith(job + " SUCCEEDED"), watch.out());
            var status = PpfarmCliTest.ppfarm("status", "--server", server, job);
            assertEquals("JOB_STATUS_SUCCEEDED", JSON.readTree(status.out()).get("status").asText());
            var usage = PpfarmCliTest.ppfarm("usage", "--server", server);
            assertEquals(Ppfarm.OK, usage.code(), usage.err());
            assertTrue(usage.out().lines().anyMatch(l -> l.matches("\\(anonymous\\) +commitment@1\\.0\\.2 +\\S+ +2 +0 .*")), usage.out());
            var usageJson = PpfarmCliTest.ppfarm("usage", "--server", server, "--json");
            assertEquals("2", JSON.readTree(usageJson.out()).get("rows").get(0).get("succeeded").asText(), usageJson.out());

            // sealed on the client to the farm's pinned key: proved as any job; pinned to another key: nothing sent
            var sealed = PpfarmCliTest.ppfarm("submit", "--server", server, "--circuit", "commitment", "--input", input,
                    "--seal-key-fingerprint", farm.sealKeyFingerprint());
            assertEquals(Ppfarm.OK, sealed.code(), sealed.err());
            var sealedWatch = PpfarmCliTest.ppfarm("watch", "--server", server, sealed.out().strip());
            assertTrue(sealedWatch.out().strip().endsWith(sealed.out().strip() + " SUCCEEDED"), sealedWatch.out());
            PpfarmCliTest.ppfarm("submit", "--server", server, "--circuit", "commitment", "--input", input,
                    "--seal-key-fingerprint", "00".repeat(32)).assertOneLineError("FAILED_PRECONDITION", "seal key fingerprint");

            PpfarmCliTest.ppfarm("prove", "--server", server, "--circuit", "nosuch", "--input", input)
                    .assertOneLineError("NOT_FOUND", "nosuch");
            PpfarmCliTest.ppfarm("status", "--server", server, "no-such-job").assertOneLineError("NOT_FOUND");
        }
    }

    @Test
    void inputsTurnsARequestIntoTheCircuitInputs() throws Exception {
        ZeroXBowInputs.Case c = ZeroXBowInputs.withdrawCases(31, 1, 3, 2, false).getFirst();
        Path request = Files.writeString(dir.resolve("request.json"), c.request());
        var r = PpfarmCliTest.ppfarm("inputs", "withdraw", request);
        assertEquals(Ppfarm.OK, r.code(), r.err());
        assertEquals(JSON.readTree(c.input()), JSON.readTree(r.out()));
        Path bad = Files.writeString(dir.resolve("bad.json"), c.request().replaceFirst("\"scope\"", "\"scoop\""));
        PpfarmCliTest.ppfarm("inputs", "withdraw", bad).assertOneLineError(bad.toString());
    }

    @Test
    void backendSaysWhichBackendAndWhy() {
        var r = PpfarmCliTest.ppfarm("backend");
        assertEquals(Ppfarm.OK, r.code(), r.err());
        assertTrue(List.of(r.out().split("\n")).getFirst().startsWith("backend: "), r.out());
        assertTrue(r.out().contains("farm worker pipeline: cpu"), r.out());
        // cpu-kernels' libppfarm_cpu.so is built on every linux-x86_64 build, so the CPU prover runs its native loops
        assertTrue(r.out().contains("cpu kernels: native (ppfarm.cpu.kernels=auto)"), r.out());
    }

    private static String section(String out, String from, String to) {
        int a = out.indexOf(from), b = out.indexOf(to, a + from.length());
        assertTrue(a >= 0 && b > a, () -> "output lacks " + from + " … " + to + ":\n" + out);
        return out.substring(a + from.length(), b).strip() + "\n";
    }
}
