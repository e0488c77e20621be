package org.ppfarm.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The production 0xbow Privacy Pools artifacts (npm {@code @0xbow/privacy-pools-core-sdk@1.0.2}, dist/node/artifacts),
 * fetched by scripts/fetch-artifacts.sh into a cache outside the source tree and SHA-256-checked here again before use.
 */
public final class Artifacts {
    private Artifacts() {}

    public static final Map<String, String> SHA256 = Map.of(
            "withdraw.zkey", "2a893b42174c813566e5c40c715a8b90cd49fc4ecf384e3a6024158c3d6de677",
            "withdraw.wasm", "36cda22791def3d520a55c0fc808369cd5849532a75fab65686e666ed3d55c10",
            "withdraw.vkey", "666bd0983b20c1611543b04f7712e067fbe8cad69f07ada8a310837ff398d21e",
            "commitment.zkey", "494ae92d64098fda2a5649690ddc5821fcd7449ca5fe8ef99ee7447544d7e1f3",
            "commitment.wasm", "254d2130607182fd6fd1aee67971526b13cfe178c88e360da96dce92663828d8",
            "commitment.vkey", "7d48b4eb3dedc12fb774348287b587f0c18c3c7254cd60e9cf0f8b3636a570d8");

    private static volatile Path dir;

    /** Directory holding the six verified files (fetches them on first use). */
    public static synchronized Path dir() {
        if (dir != null) return dir;
        var r = Node.run(List.of("bash", Repo.root().resolve("scripts/fetch-artifacts.sh").toString()), Repo.root())
                .orThrow("scripts/fetch-artifacts.sh");
        Path d = Path.of(r.stdout().strip());
        for (var e : SHA256.entrySet()) {
            String actual = sha256(d.resolve(e.getKey()));
            if (!actual.equals(e.getValue()))
                throw new IllegalStateException(d.resolve(e.getKey()) + ": SHA-256 " + actual + ", expected " + e.getValue());
        }
        dir = d;
        return d;
    }

    public static Path withdrawZkey() { return dir().resolve("withdraw.zkey"); }
    public static Path withdrawWasm() { return dir().resolve("withdraw.wasm"); }
    public static Path withdrawVkey() { return dir().resolve("withdraw.vkey"); }
    public static Path commitmentZkey() { return dir().resolve("commitment.zkey"); }
    public static Path commitmentWasm() { return dir().resolve("commitment.wasm"); }
    public static Path commitmentVkey() { return dir().resolve("commitment.vkey"); }

    public static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
