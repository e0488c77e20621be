package org.ppfarm.privacypool.subset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.ppfarm.prover.setup.DevSetup;
import org.ppfarm.testkit.Circom;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;

/**
 * circuits/subset_withdraw.circom compiled with circom2 {@code --O2} and given a development Groth16 setup, both
 * cached under {@link Repo#cache()}.
 *
 * <p>Why --O2 and not the testkit's default --O1: Poseidon's MDS mixing is linear, and --O1 keeps those linear
 * constraints (10.4k non-linear + 11.8k linear = 22.3k, a 2^15 domain); --O2 substitutes them away (10,412
 * constraints, a 2^14 domain), which is how production circuits (0xbow's included) are built.
 *
 * <p>The keys come from ppfarm's development setup ({@link DevSetup}, a few seconds), made once per test JVM in a
 * temporary directory: snarkjs's ceremony would need a power-14 ptau, some 15 minutes on a cold cache. Production
 * keys need a ceremony, never this setup.
 */
final class SubsetCircuit {
    private SubsetCircuit() {}

    static final Path SOURCE = Repo.root().resolve("circuits/subset_withdraw.circom");
    private static final String NAME = "subset_withdraw";

    private static volatile Circom.Compiled compiled;
    private static volatile Keys keys;

    /** The development zkey and the verification_key.json written with it. */
    record Keys(Path zkey, Path vkey) {}

    static synchronized Circom.Compiled compiled() {
        if (compiled != null) return compiled;
        try {
            String source = Files.readString(SOURCE);
            String sha = sha256(Circom.COMPILER + "\n--O2\n" + source);
            Path dir = Repo.cache().resolve("circom").resolve(NAME + "-O2-" + sha);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Path tmp = Files.createTempDirectory(dir.getParent(), NAME + ".tmp-");
                List<String> cmd = List.of("node", Repo.nodeModules().resolve("circom2/cli.js").toString(), "--O2",
                        "--r1cs", "--wasm", "--sym", "-l", Repo.nodeModules().toString(), "-o", tmp.toString(), SOURCE.toString());
                Node.Result r = Node.run(cmd, SOURCE.getRoot());
                if (r.exitCode() != 0 || !Files.isRegularFile(tmp.resolve(NAME + ".r1cs")))
                    throw new IllegalStateException("circom2 failed on " + SOURCE + ": " + r.stderr() + r.stdout());
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dir);
                } catch (IOException e) {
                    // another build published the same entry first; ours is identical
                    deleteTree(tmp);
                }
            }
            compiled = new Circom.Compiled(NAME, sha, dir, dir.resolve(NAME + ".r1cs"),
                    dir.resolve(NAME + "_js").resolve(NAME + ".wasm"), dir.resolve(NAME + ".sym"));
            return compiled;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Keys keys() {
        if (keys != null) return keys;
        try {
            Path dir = Files.createTempDirectory(NAME + "-dev-setup-");
            Keys k = new Keys(dir.resolve(NAME + ".zkey"), dir.resolve("verification_key.json"));
            DevSetup.write(compiled().r1cs(), k.zkey(), k.vkey());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    deleteTree(dir);
                } catch (IOException e) {
                    // a temporary directory left behind; nothing depends on it
                }
            }));
            keys = k;
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
