package org.ppfarm.cli;

import java.nio.file.Path;
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
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm prove}, in the form its options choose:
 * <ul>
 *   <li>local, rapidsnark's arguments and snarkjs's outputs: {@code ppfarm prove <zkey> <wtns> <proof.json> <public.json>};</li>
 *   <li>on a farm: {@code ppfarm prove --server host:port --circuit withdraw --input input.json --proof proof.json
 *       --public public.json} (or {@code --withdraw-request}/{@code --ragequit-request}/{@code --wtns} instead of
 *       {@code --input}); the farm verifies the proof before it answers.</li>
 * </ul>
 */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = {"Proves a witness with a Groth16 proving key and writes proof.json and public.json as snarkjs does.",
                "The proof is verified against the key before it is written.",
                "  local:  ppfarm prove <circuit.zkey> <witness.wtns> <proof.json> <public.json>",
                "  farm:   ppfarm prove --server H:P --circuit NAME[@VERSION] --input input.json --proof proof.json --public public.json"})
final class ProveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "<circuit.zkey>") Path zkey;
    @Parameters(index = "1", arity = "0..1", paramLabel = "<witness.wtns>") Path wtns;
    @Parameters(index = "2", arity = "0..1", paramLabel = "<proof.json>") Path proofJson;
    @Parameters(index = "3", arity = "0..1", paramLabel = "<public.json>") Path publicJson;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "Prove on this farm (ppfarm up) instead of locally.") String server;
    @Option(names = "--circuit", paramLabel = "NAME[@VERSION]|SHA256", description = "Farm: the registered circuit.") String circuit;
    @Option(names = "--input", paramLabel = "input.json", description = "Circuit-input JSON.") Path input;
    @Option(names = "--withdraw-request", paramLabel = "request.json", description = "Farm: a privacy-pool withdraw request.") Path withdrawRequest;
    @Option(names = "--ragequit-request", paramLabel = "request.json", description = "Farm: a privacy-pool ragequit request.") Path ragequitRequest;
    @Option(names = "--wtns", paramLabel = "witness.wtns", description = "Farm: a computed witness.") Path farmWtns;
    @Option(names = "--proof", paramLabel = "proof.json", description = "Farm: where to write the proof (default: stdout).") Path proofOut;
    @Option(names = "--public", paramLabel = "public.json", description = "Farm: where to write the public signals (default: stdout).") Path publicOut;
    @Option(names = "--calldata", paramLabel = "calldata.txt", description = "Farm: where to write the Solidity calldata.") Path calldataOut;
    @Option(names = "--timeout-s", paramLabel = "N", description = "Farm: seconds to wait for the proof (default 600).") Long timeoutS;

    @Override
    public Integer call() {
        if (server != null) return onFarm();
        if (publicJson == null) {
            String[] labels = {"<circuit.zkey>", "<witness.wtns>", "<proof.json>", "<public.json>"};
            Path[] given = {zkey, wtns, proofJson, publicJson};
            StringBuilder missing = new StringBuilder();
            for (int i = 0; i < 4; i++) if (given[i] == null) missing.append(missing.isEmpty() ? "" : ", ").append(labels[i]);
            throw new ParameterException(spec.commandLine(), "Missing required parameters: " + missing
                    + " (or --server HOST:PORT to prove on a farm)");
        }
        Inputs.file(zkey);
        Inputs.file(wtns);
        Inputs.output(proofJson);
        Inputs.output(publicJson);
        Witness w = WtnsFile.read(wtns);
        try (ProvingKey pk = ZkeyFile.read(zkey)) {
            ProofResult result;
            try {
                result = Groth16Prover.cpu().proveAndVerify(pk, w);
            } catch (WitnessMismatchException | ProofRejectedException e) {
                throw new PpfarmException(wtns + ": " + e.getMessage(), e);
            }
            result.proof().writeJson(proofJson);
            result.publicSignals().writeJson(publicJson);
            return Ppfarm.OK;
        } finally {
            w.zeroize();
        }
    }

    private int onFarm() {
        if (zkey != null) throw new ParameterException(spec.commandLine(), "--server takes no positional arguments");
        List<String> args = new ArrayList<>(List.of("--server", server));
        if (circuit == null) throw new ParameterException(spec.commandLine(), "--circuit is required with --server");
        args.addAll(List.of("--circuit", circuit));
        add(args, "--input", input);
        add(args, "--withdraw-request", withdrawRequest);
        add(args, "--ragequit-request", ragequitRequest);
        add(args, "--wtns", farmWtns);
        for (Path p : new Path[] {input, withdrawRequest, ragequitRequest, farmWtns}) if (p != null) Inputs.file(p);
        add(args, "--proof", proofOut == null ? null : Inputs.output(proofOut));
        add(args, "--public", publicOut == null ? null : Inputs.output(publicOut));
        add(args, "--calldata", calldataOut == null ? null : Inputs.output(calldataOut));
        if (timeoutS != null) args.addAll(List.of("--timeout-s", timeoutS.toString()));
        return FarmClientCommands.run(spec.commandLine().getOut(), spec.commandLine().getErr(), "prove", args);
    }

    private static void add(List<String> args, String option, Path p) {
        if (p != null) args.addAll(List.of(option, p.toString()));
    }
}
