package org.ppfarm.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Circom;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.ZeroXBowInputs;

/** Reference material for the witness tests: snarkjs's .wtns (CLI or warm node), and this module's small test circuits compiled. */
final class References {
    private References() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code snarkjs wtns calculate wasm input out}: the reference .wtns bytes. */
    static byte[] snarkjsWtns(Path wasm, Path input) {
        try {
            Path out = Files.createTempFile("snarkjs", ".wtns");
            try {
                Snarkjs.wtnsCalculate(wasm, input, out);
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** snarkjs's exit code and output for inputs it should refuse. */
    static Node.Result snarkjsWtnsResult(Path wasm, Path input) {
        try {
            Path out = Files.createTempFile("snarkjs", ".wtns");
            try {
                return Snarkjs.wtnsCalculateResult(wasm, input, out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The withdraw circuit with its input names, for this module's tests: compiled once, then read back from a
     * compiled-circuit cache under target/ by the next test class that loads it.
     */
    static WitnessCalculator withdraw() {
        return WitnessCalculator.load(Artifacts.withdrawWasm(), WitnessCalculator.Options.defaults()
                .withInputNames(ZeroXBowWitnessTest.WITHDRAW_INPUTS).withCacheDir(Path.of("target", "circuit-cache")));
    }

    /** What snarkjs makes of one input: its .wtns, or its refusal. */
    record Outcome(byte[] wtns, String error) {
        boolean accepted() { return wtns != null; }
    }

    /**
     * snarkjs's outcome for each input, in order, from one warm node process ({@code witness/src/test/js/witnesses.mjs}:
     * snarkjs's own steps, the wasm compiled once), where a snarkjs CLI run per input would cost ~0.5 s each.
     */
    static List<Outcome> warmNode(Path wasm, List<Path> inputs) {
        List<String> args = new ArrayList<>(List.of(Repo.root().resolve("witness/src/test/js/witnesses.mjs").toString(), wasm.toString()));
        for (Path p : inputs) args.add(p.toString());
        Node.Result r = Node.node(args).orThrow("witnesses.mjs " + wasm);
        List<String> lines = r.stdout().lines().filter(l -> l.startsWith("result ")).toList();
        if (lines.size() != inputs.size()) throw new IllegalStateException("witnesses.mjs: " + lines.size() + " results for " + inputs.size() + " inputs");
        List<Outcome> out = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode n = JSON.readTree(lines.get(i).substring("result ".length()));
                Path wtns = Path.of(inputs.get(i) + ".wtns");
                out.add(n.get("ok").asBoolean() ? new Outcome(Files.readAllBytes(wtns), null) : new Outcome(null, n.get("error").asText()));
                Files.deleteIfExists(wtns);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Withdraw notes written as input files, their bytes, and snarkjs's .wtns of each (from {@link #warmNode}). */
    record WithdrawNotes(List<Path> files, List<byte[]> inputs, List<byte[]> refs) {}

    /**
     * 50 distinct withdraw notes, 5 in each of 10 state trees of 1 to 700 leaves (depth 0 to 10) with ASP trees of 1 to
     * 200 (depth 0 to 8), partial and full withdrawals (full in the trees whose index is odd, or even with
     * {@code fullOnEven}); tree t's notes are seeded {@code seedStep × t + seedOffset}.
     */
    static WithdrawNotes withdrawNotes(Path dir, String prefix, long seedStep, long seedOffset, boolean fullOnEven) throws IOException {
        int[][] trees = {{1, 1}, {2, 3}, {3, 17}, {5, 2}, {9, 128}, {17, 9}, {33, 5}, {100, 64}, {300, 33}, {700, 200}};
        List<Path> files = new ArrayList<>();
        List<byte[]> inputs = new ArrayList<>();
        for (int t = 0; t < trees.length; t++) {
            for (ZeroXBowInputs.Case c : ZeroXBowInputs.withdrawCases(seedStep * t + seedOffset, 5, trees[t][0], trees[t][1], (t % 2 == 0) == fullOnEven)) {
                Path f = ZeroXBowInputs.write(dir, prefix + c.seed() + "-" + trees[t][0] + ".json", c.input());
                files.add(f);
                inputs.add(Files.readAllBytes(f));
            }
        }
        List<byte[]> refs = new ArrayList<>();
        for (Outcome o : warmNode(Artifacts.withdrawWasm(), files)) {
            if (!o.accepted()) throw new IllegalStateException("snarkjs refuses a valid withdraw note: " + o.error());
            refs.add(o.wtns());
        }
        return new WithdrawNotes(files, inputs, refs);
    }

    /** {@code src/test/resources/circuits/<name>.circom} compiled by circom2 (cached): wasm in circom's layout, .sym beside it. */
    static Path circuit(String name) {
        return Circom.compile(Repo.root().resolve("witness/src/test/resources/circuits/" + name + ".circom")).wasm();
    }
}
