package org.ppfarm.embedded;

import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.farm.Sha256;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The production 0xbow Privacy Pools circuits (npm {@code @0xbow/privacy-pools-core-sdk@1.0.2}), which the embedded
 * farm registers as {@code withdraw@1.0.2} and {@code commitment@1.0.2}. Found in a given directory, or fetched by
 * the checkout's {@code scripts/fetch-artifacts.sh} into the cache outside the source tree; every file's SHA-256 is
 * checked against the values pinned here before use.
 */
public final class ProductionCircuits {
    public static final String VERSION = "1.0.2";
    public static final Map<String, String> SHA256 = Map.of(
            "withdraw.zkey", "2a893b42174c813566e5c40c715a8b90cd49fc4ecf384e3a6024158c3d6de677",
            "withdraw.wasm", "36cda22791def3d520a55c0fc808369cd5849532a75fab65686e666ed3d55c10",
            "withdraw.vkey", "666bd0983b20c1611543b04f7712e067fbe8cad69f07ada8a310837ff398d21e",
            "commitment.zkey", "494ae92d64098fda2a5649690ddc5821fcd7449ca5fe8ef99ee7447544d7e1f3",
            "commitment.wasm", "254d2130607182fd6fd1aee67971526b13cfe178c88e360da96dce92663828d8",
            "commitment.vkey", "7d48b4eb3dedc12fb774348287b587f0c18c3c7254cd60e9cf0f8b3636a570d8");

    private ProductionCircuits() {}

    /** The directory holding the six checked files: {@code dir} if given, else fetched via the checkout's script. */
    public static Path locate(Path dir) throws Exception {
        if (dir == null) dir = fetch();
        for (var e : SHA256.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException(f + ": missing");
            String actual = Sha256.of(f);
            if (!actual.equals(e.getValue()))
                throw new IllegalArgumentException(f + ": SHA-256 " + actual + ", expected " + e.getValue() + "; refusing to use it");
        }
        return dir;
    }

    /** Registers withdraw@1.0.2 and commitment@1.0.2 from {@code dir} (already checked by {@link #locate}). */
    public static void register(CircuitRegistry registry, Path dir) throws CircuitRegistry.RegistrationException {
        for (String c : List.of("withdraw", "commitment"))
            registry.registerFiles(c, VERSION, dir.resolve(c + ".zkey"), dir.resolve(c + ".wasm"), dir.resolve(c + ".vkey"));
    }

    private static Path fetch() throws Exception {
        Path root = checkoutRoot();
        Process p = new ProcessBuilder("bash", root.resolve("scripts/fetch-artifacts.sh").toString()).directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0)
            throw new IllegalStateException("scripts/fetch-artifacts.sh failed; pass --artifacts DIR with the 0xbow artifacts");
        return Path.of(out);
    }

    private static Path checkoutRoot() {
        String prop = System.getProperty("ppfarm.root");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.exists(p.resolve("scripts/fetch-artifacts.sh"))) return p;
        throw new IllegalStateException("cannot find the ppfarm checkout (scripts/fetch-artifacts.sh); pass --artifacts DIR");
    }
}
