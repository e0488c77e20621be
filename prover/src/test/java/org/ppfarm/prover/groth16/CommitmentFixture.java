package org.ppfarm.prover.groth16;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Node;

/**
 * A real snarkjs Groth16 proof on the production 0xbow commitment circuit (value, label, nullifier, secret → 4 public
 * signals), made once per test JVM: {@code snarkjs wtns calculate} then {@code snarkjs groth16 prove}, plus
 * snarkjs's own calldata for it. Inputs are random test values (never real keys); the input file is deleted as
 * soon as the witness exists, the directory when the JVM exits.
 */
final class CommitmentFixture {
    final Path dir, vkey, proof, pub;
    final String calldata;

    private static CommitmentFixture instance;

    static synchronized CommitmentFixture get() {
        if (instance == null) instance = new CommitmentFixture();
        return instance;
    }

    private CommitmentFixture() {
        try {
            dir = Files.createTempDirectory("ppfarm-groth16-");
            dir.toFile().deleteOnExit();
            SplittableRandom rnd = new SplittableRandom(0x5eed);
            BigInteger r = Field.FR.modulus();
            String[] names = {"value", "label", "nullifier", "secret"};
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < names.length; i++) {
                byte[] b = new byte[32];
                rnd.nextBytes(b);
                BigInteger v = i == 0 ? BigInteger.valueOf(1_000_000_000_000_000_000L) : new BigInteger(1, b).mod(r);
                json.append(i == 0 ? "" : ",").append('"').append(names[i]).append("\":\"").append(v).append('"');
            }
            Path input = dir.resolve("input.json"), wtns = dir.resolve("witness.wtns");
            Files.writeString(input, json.append('}'));
            try {
                Node.snarkjs("wtns", "calculate", Artifacts.commitmentWasm().toString(), input.toString(), wtns.toString());
            } finally {
                Files.deleteIfExists(input);
            }
            vkey = Artifacts.commitmentVkey();
            proof = dir.resolve("proof.json");
            pub = dir.resolve("public.json");
            Node.snarkjs("groth16", "prove", Artifacts.commitmentZkey().toString(), wtns.toString(), proof.toString(), pub.toString());
            Files.delete(wtns);
            calldata = Node.snarkjs("zkey", "export", "soliditycalldata", pub.toString(), proof.toString());
            for (Path p : new Path[] {proof, pub}) p.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** snarkjs's verdict: true when {@code snarkjs groth16 verify} accepts. */
    static boolean snarkjsVerifies(Path vkey, Path pub, Path proof) {
        return Node.snarkjsResult("groth16", "verify", vkey.toString(), pub.toString(), proof.toString()).exitCode() == 0;
    }
}
