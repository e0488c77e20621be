package org.ppfarm.gpukernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Repo;
import org.ppfarm.testkit.Snarkjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device check's scripts as CI can run them: {@code prepare.sh --host} builds a bundle (under 64 MiB, without the
 * CUDA library) and {@code run.sh --host} runs every step on the host build of the kernels, from the bundle's own
 * jlinked runtime; the withdraw proof it writes verifies with snarkjs. About 1.5 minutes on 2 busy cores.
 */
class DeviceCheckScriptTest {
    @Test
    void prepareAndRunPassOnTheHostLibrary(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle"), out = dir.resolve("out");
        Path scripts = Repo.root().resolve("gpu-kernels/device-check");
        String prepared = run(List.of("bash", scripts.resolve("prepare.sh").toString(), "--host"), bundle, out);
        assertTrue(prepared.contains("prepare: bundle"), prepared);
        String report = run(List.of("bash", scripts.resolve("run.sh").toString(), "--host"), bundle, out);
        assertTrue(report.contains("device check: all steps passed"), report);
        for (String step : List.of("info", "field", "curve", "ntt", "msm", "known", "threads", "timing", "proofs"))
            assertTrue(report.contains("PASS " + step), step + " did not pass:\n" + report);
        assertTrue(report.contains("ok G1 msm 2^10 (random, mostly 0/1) against (sum s_i k_i)*G")
                && report.contains("ok G2 msm 2^8 (random, mostly 0/1) against (sum s_i k_i)*G"), report);
        assertEquals(report, Files.readString(out.resolve("report.txt")));
        assertTrue(Snarkjs.groth16Verify(bundle.resolve("withdraw.vkey"), out.resolve("public-0.json"), out.resolve("proof-0.json")),
                "snarkjs accepts the withdraw proof the check made");
    }

    private static String run(List<String> cmd, Path bundle, Path out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Repo.root().toFile()).redirectErrorStream(true);
        pb.environment().put("PPFARM_DEVICE_BUNDLE", bundle.toString());
        pb.environment().put("OUT", out.toString());
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", cmd) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }
}
