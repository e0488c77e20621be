package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofRejectedException;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.WitnessMismatchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm prove <zkey> <wtns> <proof.json> <public.json>}: rapidsnark's arguments, snarkjs's outputs; or
 * {@code ppfarm prove --wasm <circuit.wasm> --input <input.json> <zkey> <proof.json> <public.json>}: the witness
 * computed in memory from the circuit's inputs (which are spending keys: no .wtns is written).
 */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = {"Proves a witness with a Groth16 proving key and writes proof.json and public.json as snarkjs does.",
                "The proof is verified against the key before it is written.",
                "With --wasm and --input, the witness is computed in memory from the circuit's input signals:",
                "  ppfarm prove --wasm <circuit.wasm> --input <input.json> <circuit.zkey> <proof.json> <public.json>"})
final class ProveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--wasm", paramLabel = "<circuit.wasm>", description = "circom's witness calculator for the circuit (with --input)")
    Path wasm;
    @Option(names = "--input", paramLabel = "<input.json>", description = "the circuit's input signals, as snarkjs takes them (with --wasm)")
    Path input;
    @Parameters(arity = "0..*", paramLabel = "<file>",
            description = "<circuit.zkey> <witness.wtns> <proof.json> <public.json>; with --wasm/--input: <circuit.zkey> <proof.json> <public.json>")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() {
        boolean fromInputs = wasm != null || input != null;
        if (fromInputs && (wasm == null || input == null)) throw new ParameterException(spec.commandLine(), "--wasm and --input go together");
        List<String> labels = fromInputs ? List.of("<circuit.zkey>", "<proof.json>", "<public.json>")
                : List.of("<circuit.zkey>", "<witness.wtns>", "<proof.json>", "<public.json>");
        int n = labels.size();
        if (files.size() < n) {
            List<String> missing = labels.subList(files.size(), n);
            throw new ParameterException(spec.commandLine(), "Missing required parameter" + (missing.size() > 1 ? "s: " : ": ")
                    + String.join(", ", missing) + (fromInputs ? " (with --wasm/--input)" : ""));
        }
        if (files.size() > n) {
            throw new ParameterException(spec.commandLine(), "Unmatched argument" + (files.size() - n > 1 ? "s: " : ": ")
                    + files.subList(n, files.size()) + " (expected " + String.join(" ", labels) + ")");
        }
        Path zkey = Inputs.file(files.get(0));
        Path proofJson = Inputs.output(files.get(n - 2));
        Path publicJson = Inputs.output(files.get(n - 1));
        Path witnessSource = fromInputs ? input : files.get(1);
        Witness w = fromInputs ? WitnessFiles.compute(WitnessFiles.load(wasm), Inputs.file(input)) : WtnsFile.read(Inputs.file(files.get(1)));
        try (ProvingKey pk = ZkeyFile.read(zkey)) {
            ProofResult result;
            try {
                result = Groth16Prover.cpu().proveAndVerify(pk, w);
            } catch (WitnessMismatchException | ProofRejectedException e) {
                throw new PpfarmException(witnessSource + ": " + e.getMessage(), e);
            }
            result.proof().writeJson(proofJson);
            result.publicSignals().writeJson(publicJson);
            return Ppfarm.OK;
        } finally {
            w.zeroize();
        }
    }
}
