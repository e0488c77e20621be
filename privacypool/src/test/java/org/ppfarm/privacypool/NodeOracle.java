package org.ppfarm.privacypool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;

/**
 * Runs the reference scripts under privacypool/src/test/js (circomlibjs, @zk-kit/lean-imt, the 0xbow SDK) on a JSON
 * request written to a temporary file, and parses their JSON answer. Test keys only: nothing here is a real secret.
 */
public final class NodeOracle {
    public static final ObjectMapper JSON = new ObjectMapper();

    private NodeOracle() {}

    public static Path script(String name) {
        return Repo.root().resolve("privacypool/src/test/js").resolve(name);
    }

    /**
     * Runs {@code node script <request file> <answer file>}: the request serialized as JSON goes in the first file,
     * the script writes its JSON answer to the second (a file, because node cuts piped stdout short on exit).
     */
    public static JsonNode call(String script, Object request) {
        Path in = null, out = null;
        try {
            in = Files.createTempFile("ppfarm-oracle", ".json");
            out = Files.createTempFile("ppfarm-oracle", ".out.json");
            JSON.writeValue(in.toFile(), request);
            List<String> args = new ArrayList<>(List.of(script(script).toString(), in.toString(), out.toString()));
            Node.node(args).orThrow(script);
            return JSON.readTree(out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(in);
            deleteQuietly(out);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) try { Files.deleteIfExists(p); } catch (IOException ignored) { }
    }
}
