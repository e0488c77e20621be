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

    /** Runs {@code script} with a file holding {@code request} (serialized as JSON) and returns its parsed stdout. */
    public static JsonNode call(String script, Object request) {
        Path in = null;
        try {
            in = Files.createTempFile("ppfarm-oracle", ".json");
            JSON.writeValue(in.toFile(), request);
            List<String> args = new ArrayList<>(List.of(script(script).toString(), in.toString()));
            var r = Node.node(args).orThrow(script);
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (in != null) try { Files.deleteIfExists(in); } catch (IOException ignored) { }
        }
    }
}
