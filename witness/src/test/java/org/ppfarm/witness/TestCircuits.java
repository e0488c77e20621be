package org.ppfarm.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;

/**
 * The small circuits under src/test/resources/circuits, compiled with the pinned circom2 (npm) and circomlib into the
 * cache (keyed by the source's SHA-256, so an edit recompiles): {@code <name>_js/<name>.wasm} and {@code <name>.sym}
 * exactly as circom lays them out.
 */
final class TestCircuits {
    private TestCircuits() {}

    /** The compiled wasm of {@code circuits/<name>.circom}. */
    static synchronized Path wasm(String name) {
        Path source = Repo.root().resolve("witness/src/test/resources/circuits/" + name + ".circom");
        Path dir = Repo.cache().resolve("witness-circuits").resolve(name + "-" + Artifacts.sha256(source).substring(0, 16));
        Path wasm = dir.resolve(name + "_js").resolve(name + ".wasm");
        if (Files.isRegularFile(wasm) && Files.isRegularFile(dir.resolve(name + ".sym"))) return wasm;
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), name);
            Node.run(List.of(Repo.nodeModules().resolve(".bin/circom2").toString(), source.toString(), "--wasm", "--sym",
                    "-o", tmp.toString(), "-l", Repo.nodeModules().toString()), Repo.root()).orThrow("circom2 " + name);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isRegularFile(wasm)) throw new UncheckedIOException(e);
        }
        return wasm;
    }
}
