package org.ppfarm.worker.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ppfarm.proto.v1.InputKind;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The reference {@link ProvingPipeline}: snarkjs 0.7.5 (the npm reference the engine is checked against) in a
 * long-lived node process per circuit, fed over stdin — real witnesses, real Groth16 proofs, verified by snarkjs before
 * they are returned, nothing written to disk. Reported backend: {@code snarkjs-node}. Needs node and the checkout's
 * node_modules (found from system property {@code ppfarm.root} or the working directory). The farm's tests use it so
 * they exercise the farm independently of the in-JVM engine; it is slower than the engine (EnginePipeline).
 */
public final class SnarkjsPipeline implements ProvingPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Factory named by {@code worker.pipeline.factory=org.ppfarm.worker.pipeline.SnarkjsPipeline$Factory}. */
    public static final class Factory implements ProvingPipeline.Factory {
        @Override
        public ProvingPipeline load(CircuitFiles f) throws IOException {
            return start(f.zkey().toString(), f.wasm(), f.vkey());
        }

        /** Starts the node process; zkey "-" runs it as a witness calculator only ({@link #witness}). */
        static SnarkjsPipeline start(String zkey, Path wasm, Path vkey) throws IOException {
            Path script = Files.createTempFile("snarkjs-prover", ".cjs");
            try (InputStream in = SnarkjsPipeline.class.getResourceAsStream("snarkjs-prover.cjs")) {
                Files.write(script, in.readAllBytes());
            }
            script.toFile().deleteOnExit();
            List<String> cmd = new ArrayList<>(List.of("node", script.toString(), zkey, wasm.toString()));
            if (vkey != null) cmd.add(vkey.toString());
            Path root = root();
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("NODE_PATH", root.resolve("node_modules").toString());
            return new SnarkjsPipeline(pb.start());
        }

        @Override
        public String backend() { return "snarkjs-node"; }

        private static Path root() {
            String prop = System.getProperty("ppfarm.root");
            if (prop != null && !prop.isBlank()) return Path.of(prop);
            for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
                if (Files.isDirectory(p.resolve("node_modules/snarkjs"))) return p;
            throw new IllegalStateException("snarkjs pipeline: no node_modules/snarkjs here or above (set -Dppfarm.root)");
        }
    }

    private final Process process;
    private final OutputStream stdin;
    private final BufferedReader stdout;
    private long nextId;

    private SnarkjsPipeline(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The .wtns bytes snarkjs computes for circuit-input JSON (witness-only processes and full ones alike). */
    byte[] witness(byte[] inputJson) throws JobInputException, IOException {
        JsonNode res = call(JSON.createObjectNode().put("kind", "witness").set("input", JSON.readTree(inputJson)));
        return Base64.getDecoder().decode(res.get("wtnsBase64").asText());
    }

    private synchronized JsonNode call(ObjectNode req) throws JobInputException, IOException {
        req.put("id", ++nextId);
        stdin.write(JSON.writeValueAsBytes(req));
        stdin.write('\n');
        stdin.flush();
        String line = stdout.readLine();
        if (line == null) throw new IOException("snarkjs process exited (" + (process.isAlive() ? "alive" : "code " + process.exitValue()) + ")");
        JsonNode res = JSON.readTree(line);
        if (res.has("error")) {
            if (res.path("invalid").asBoolean()) throw new JobInputException("witness: " + res.get("error").asText());
            throw new IOException(res.get("error").asText());
        }
        return res;
    }

    @Override
    public Output prove(InputKind kind, byte[] input) throws JobInputException, IOException {
        ObjectNode req = JSON.createObjectNode();
        if (kind == InputKind.INPUT_KIND_WTNS) req.put("kind", "wtns").put("wtnsBase64", Base64.getEncoder().encodeToString(input));
        else req.put("kind", "json").set("input", JSON.readTree(input));
        JsonNode res = call(req);
        JsonNode proof = res.get("proof");
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < 2; i++) elements.add(be32(proof.get("pi_a").get(i).asText()));
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) elements.add(be32(proof.get("pi_b").get(i).get(j).asText()));
        for (int i = 0; i < 2; i++) elements.add(be32(proof.get("pi_c").get(i).asText()));
        List<byte[]> pub = new ArrayList<>();
        for (JsonNode s : res.get("publicSignals")) pub.add(be32(s.asText()));
        return new Output(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(proof),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(res.get("publicSignals")), elements, pub,
                res.get("calldata").asText(), res.get("witnessNs").asLong(), res.get("proveNs").asLong(), res.get("verifyNs").asLong());
    }

    static byte[] be32(String decimal) {
        byte[] b = new BigInteger(decimal).toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    @Override
    public void close() { process.destroy(); }
}
