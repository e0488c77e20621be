package org.ppfarm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid inputs for the production 0xbow circuits ({@link Artifacts}: withdraw and commitment/ragequit), made by
 * {@code testkit/src/main/js/gen-0xbow-inputs.mjs} with circomlibjs Poseidon, @zk-kit/lean-imt and the 0xbow SDK
 * (see the script's header for exactly how each value is derived and cross-checked).
 *
 * <p>Withdraw input signals (all decimal strings): {@code withdrawnValue, stateRoot, stateTreeDepth, ASPRoot,
 * ASPTreeDepth, context, label, existingValue, existingNullifier, existingSecret, newNullifier, newSecret,
 * stateSiblings[32], stateIndex, ASPSiblings[32], ASPIndex}. Public signals, in order: {@code [newCommitmentHash,
 * existingNullifierHash, withdrawnValue, stateRoot, stateTreeDepth, ASPRoot, ASPTreeDepth, context]}.
 * Commitment inputs: {@code value, label, nullifier, secret}; public signals {@code [commitmentHash,
 * nullifierHash = Poseidon(nullifier), value, label]}.
 *
 * <p>Every case is a deterministic function of its seed. The generator prints to stdout and writes nothing: the
 * inputs contain (test) spending keys, and only {@link #write} puts one on disk, in a directory the caller owns.
 */
public final class ZeroXBowInputs {
    private ZeroXBowInputs() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One generated case.
     *
     * @param input         the circuit's input JSON (snarkjs format)
     * @param publicSignals the public signals a proof from this input must carry, computed independently of the circuit
     * @param request       withdraw only: the same withdrawal as ppfarm's {@code inputs withdraw} request JSON
     *                      (issue 4: scope, note, stateLeaves, aspLeaves, withdrawal, withdrawnValue, newNullifier,
     *                      newSecret); null for commitment cases
     */
    public record Case(long seed, String input, List<String> publicSignals, String request) {}

    /** Input JSON for a partial withdrawal of a random note from a state tree of {@code stateLeaves} commitments and an ASP tree of {@code aspLeaves} labels. */
    public static String withdraw(long seed, int stateLeaves, int aspLeaves) {
        return withdrawCases(seed, 1, stateLeaves, aspLeaves, false).getFirst().input();
    }

    /** Input JSON for the commitment (ragequit) circuit for a random note. */
    public static String commitment(long seed) {
        return commitmentCases(seed, 1).getFirst().input();
    }

    /**
     * {@code count} withdraw cases (seeds {@code seed, seed+1, ...}) from one node run. Tree depth is
     * ceil(log2(leaves)): 1 leaf → 0, 2 → 1, 3 → 2, 5 → 3, 100 → 7. {@code full}: withdraw the whole value (change 0).
     */
    public static List<Case> withdrawCases(long seed, int count, int stateLeaves, int aspLeaves, boolean full) {
        List<String> args = new ArrayList<>(List.of("withdraw", "--seed", Long.toString(seed), "--count", Integer.toString(count),
                "--state", Integer.toString(stateLeaves), "--asp", Integer.toString(aspLeaves)));
        if (full) args.add("--full");
        return run(args);
    }

    /** {@code count} commitment (ragequit) cases, seeds {@code seed, seed+1, ...}. */
    public static List<Case> commitmentCases(long seed, int count) {
        return run(List.of("commitment", "--seed", Long.toString(seed), "--count", Integer.toString(count)));
    }

    /** Writes {@code json} to {@code dir/fileName} (dir: a temporary directory the caller owns and deletes). */
    public static Path write(Path dir, String fileName, String json) {
        try {
            return Files.writeString(dir.resolve(fileName), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(fileName) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Witness and proof with snarkjs and the production withdraw key for one case, under {@code dir}: the reference
     * an implementation under test is compared with.
     */
    public static TestCircuits.Reference withdrawReference(Case c, Path dir) {
        return reference(c, dir, Artifacts.withdrawWasm(), Artifacts.withdrawZkey());
    }

    /** Like {@link #withdrawReference} for the commitment (ragequit) circuit. */
    public static TestCircuits.Reference commitmentReference(Case c, Path dir) {
        return reference(c, dir, Artifacts.commitmentWasm(), Artifacts.commitmentZkey());
    }

    private static TestCircuits.Reference reference(Case c, Path dir, Path wasm, Path zkey) {
        Path in = write(dir, "input.json", c.input());
        var ref = new TestCircuits.Reference(in, dir.resolve("witness.wtns"), dir.resolve("proof.json"), dir.resolve("public.json"));
        Snarkjs.wtnsCalculate(wasm, ref.input(), ref.wtns());
        Snarkjs.groth16Prove(zkey, ref.wtns(), ref.proof(), ref.publicJson());
        return ref;
    }

    static Path script() {
        return Repo.root().resolve("testkit/src/main/js/gen-0xbow-inputs.mjs");
    }

    private static List<Case> run(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script().toString());
        cmd.addAll(args);
        String out = Node.node(cmd).orThrow("gen-0xbow-inputs.mjs " + String.join(" ", args)).stdout();
        try {
            List<Case> cases = new ArrayList<>();
            for (JsonNode n : JSON.readTree(out)) {
                List<String> pub = new ArrayList<>();
                n.get("publicSignals").forEach(x -> pub.add(x.asText()));
                JsonNode req = n.get("request");
                cases.add(new Case(Long.parseLong(n.get("seed").asText()), JSON.writeValueAsString(n.get("input")),
                        List.copyOf(pub), req == null ? null : JSON.writeValueAsString(req)));
            }
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new IllegalStateException("gen-0xbow-inputs.mjs printed malformed JSON: " + e.getMessage(), e);
        }
    }
}
