package org.ppfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Circom;
import org.ppfarm.testkit.Repo;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

/**
 * {@code ppfarm zkey dev-setup} on a circuit of a 2^16 domain (the size of the production withdraw circuit): ppfarm
 * proves with the key and snarkjs verifies; and on a small circuit, the unsafe default names, rapidsnark proving with
 * the key, and {@code ppfarm bench --reference} timing rapidsnark next to ppfarm (where the reference binary exists:
 * {@code ../shared/anchors/rapidsnark/prover} beside the checkout, or {@code -Dppfarm.rapidsnark}).
 */
class DevSetupCliTest {
    @TempDir Path dir;

    /** x_{i+1} = x_i² + i: one constraint per step; 65,000 steps and 2 public signals fill a 2^16 domain. */
    private static final String SQUARE_CHAIN = """
            pragma circom 2.0.0;
            template SquareChain(N) {
                signal input x;
                signal output y;
                signal s[N + 1];
                s[0] <== x;
                for (var i = 0; i < N; i++) s[i + 1] <== s[i] * s[i] + i;
                y <== s[N];
            }
            component main {public [x]} = SquareChain(65000);
            """;

    @Test
    void aDomainOf2To16ProvesWithPpfarmAndVerifiesWithSnarkjs() throws Exception {
        Circom.Compiled c = Circom.compile("square_chain", SQUARE_CHAIN);
        Path zkey = dir.resolve("square_chain.UNSAFE-dev.zkey"), vkey = dir.resolve("vkey.json");
        PpfarmCliTest.Run setup = PpfarmCliTest.ppfarm("zkey", "dev-setup", c.r1cs(), zkey, vkey);
        assertEquals(0, setup.code(), setup.err());
        assertTrue(setup.out().startsWith("UNSAFE FOR PRODUCTION"), setup.out());
        assertTrue(setup.out().contains("domain 2^16"), setup.out());

        Path input = Files.writeString(dir.resolve("input.json"), "{\"x\":\"3\"}"), wtns = dir.resolve("w.wtns");
        Snarkjs.wtnsCalculate(c.wasm(), input, wtns);
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        PpfarmCliTest.Run prove = PpfarmCliTest.ppfarm("prove", zkey, wtns, proof, pub);
        assertEquals(0, prove.code(), prove.err());
        assertTrue(Snarkjs.groth16Verify(vkey, pub, proof), "snarkjs verifies ppfarm's proof with the dev key");
    }

    @Test
    void defaultNamesSayUnsafeAndRapidsnarkProvesWithTheKey() throws Exception {
        TestCircuits.Fixture fx = TestCircuits.poseidon();
        Path r1cs = Files.copy(fx.r1cs(), dir.resolve("poseidon.r1cs"));
        PpfarmCliTest.Run setup = PpfarmCliTest.ppfarm("zkey", "dev-setup", r1cs);
        assertEquals(0, setup.code(), setup.err());
        Path zkey = dir.resolve("poseidon.UNSAFE-dev.zkey"), vkey = dir.resolve("poseidon.UNSAFE-dev.vkey.json");
        assertTrue(Files.isRegularFile(zkey) && Files.isRegularFile(vkey), setup.out());
        assertTrue(PpfarmCliTest.ppfarm("zkey", "dev-setup", "--help").out().contains("UNSAFE FOR PRODUCTION"));
        PpfarmCliTest.ppfarm("zkey", "dev-setup", dir.resolve("missing.r1cs")).assertOneLineError("missing.r1cs", "does not exist");

        Path rapidsnark = rapidsnark();
        assumeTrue(Files.isExecutable(rapidsnark), "no reference prover at " + rapidsnark);
        Path input = Files.writeString(dir.resolve("input.json"), fx.input(3)), wtns = dir.resolve("w.wtns");
        Snarkjs.wtnsCalculate(fx.wasm(), input, wtns);
        Path proof = dir.resolve("proof.json"), pub = dir.resolve("public.json");
        Process p = new ProcessBuilder(rapidsnark.toString(), zkey.toString(), wtns.toString(), proof.toString(), pub.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        assertTrue(Snarkjs.groth16Verify(vkey, pub, proof), "snarkjs verifies rapidsnark's proof with the dev key");

        PpfarmCliTest.Run bench = PpfarmCliTest.ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--runs", 3, "--warmup", 1,
                "--reference", rapidsnark, "--reference-runs", 2);
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("reference median \\d+\\.\\d ms \\(.*2 runs.*")), bench.out());
        assertTrue(bench.out().lines().anyMatch(l -> l.matches("ratio \\d+\\.\\d\\d .*")), bench.out());
        // a reference that fails is one line naming it; one that proves something else is refused
        PpfarmCliTest.ppfarm("bench", "--zkey", zkey, "--wtns", wtns, "--runs", 1, "--warmup", 0, "--reference", "/bin/false")
                .assertOneLineError("/bin/false", "exited 1");
        PpfarmCliTest.ppfarm("bench", "--zkey", zkey, "--wasm", fx.wasm(), "--input", input, "--reference", rapidsnark)
                .assertOneLineError("--reference needs --wtns");
    }

    /** rapidsnark's prover: {@code -Dppfarm.rapidsnark}, else the development machines' anchor beside the checkout. */
    static Path rapidsnark() {
        String prop = System.getProperty("ppfarm.rapidsnark");
        return prop != null && !prop.isBlank() ? Path.of(prop) : Repo.root().resolveSibling("shared").resolve("anchors/rapidsnark/prover");
    }
}
