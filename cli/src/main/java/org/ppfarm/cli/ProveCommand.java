package org.ppfarm.cli;

import org.ppfarm.client.FarmException;
import io.grpc.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofRejectedException;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.prover.groth16.WitnessMismatchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm prove}, in the form its options choose:
 * <ul>
 *   <li>local, rapidsnark's arguments and snarkjs's outputs: {@code ppfarm prove <zkey> <wtns> <proof.json> <public.json>};</li>
 *   <li>local from the circuit's inputs, the witness computed in memory (inputs are spending keys: no .wtns is
 *       written): {@code ppfarm prove --wasm <circuit.wasm> --input <input.json> <zkey> <proof.json> <public.json>};</li>
 *   <li>on a farm: {@code ppfarm prove --server host:port --circuit withdraw --input input.json --proof proof.json
 *       --public public.json} (or {@code --withdraw-request}/{@code --ragequit-request}/{@code --wtns} instead of
 *       {@code --input}); the farm verifies the proof before it answers.</li>
 * </ul>
 */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = {"Proves a witness with a Groth16 proving key and writes proof.json and public.json as snarkjs does.",
                "The proof is verified against the key before it is written.",
                "  local:        ppfarm prove <circuit.zkey> <witness.wtns> <proof.json> <public.json>",
                "  from inputs:  ppfarm prove --wasm <circuit.wasm> --input <input.json> <circuit.zkey> <proof.json> <public.json>",
                "  farm:         ppfarm prove --server H:P --circuit NAME[@VERSION] --input input.json --proof proof.json --public public.json"})
final class ProveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(arity = "0..*", paramLabel = "<file>",
            description = "<circuit.zkey> <witness.wtns> <proof.json> <public.json>; with --wasm/--input: <circuit.zkey> <proof.json> <public.json>")
    List<Path> files = new ArrayList<>();

    @Option(names = "--wasm", paramLabel = "<circuit.wasm>", description = "Local: circom's witness calculator for the circuit (with --input).") Path wasm;
    @Option(names = "--input", paramLabel = "<input.json>", description = "The circuit's input signals, as snarkjs takes them (local with --wasm, or on a farm).") Path input;
    @Mixin FarmJob job;
    @Option(names = "--server", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Prove on this farm (ppfarm up), or on any of its coordinators, instead of locally.") String server;
    @Option(names = "--idempotency-key", paramLabel = "K", description = {"Farm: the job's idempotency key (default: a fresh one,",
            "printed if the farm cannot be reached: proving again with it reaches the same job)."}) String idempotencyKey;
    @Mixin FarmAccess access;
    @Option(names = "--proof", paramLabel = "proof.json", description = "Farm: where to write the proof (default: stdout).") Path proofOut;
    @Option(names = "--public", paramLabel = "public.json", description = "Farm: where to write the public signals (default: stdout).") Path publicOut;
    @Option(names = "--calldata", paramLabel = "calldata.txt", description = "Farm: where to write the Solidity calldata.") Path calldataOut;
    @Option(names = "--timeout-s", paramLabel = "N", description = "Farm: seconds to wait for the proof (default 600).") Long timeoutS;

    @Override
    public Integer call() throws IOException {
        if (server != null) return onFarm();
        boolean fromInputs = wasm != null || input != null;
        if (fromInputs && (wasm == null || input == null)) throw new ParameterException(spec.commandLine(), "--wasm and --input go together (or --server HOST:PORT to prove on a farm)");
        List<String> labels = fromInputs ? List.of("<circuit.zkey>", "<proof.json>", "<public.json>")
                : List.of("<circuit.zkey>", "<witness.wtns>", "<proof.json>", "<public.json>");
        int n = labels.size();
        if (files.size() < n) {
            List<String> missing = labels.subList(files.size(), n);
            throw new ParameterException(spec.commandLine(), "Missing required parameter" + (missing.size() > 1 ? "s: " : ": ")
                    + String.join(", ", missing) + (fromInputs ? " (with --wasm/--input)" : " (or --server HOST:PORT to prove on a farm)"));
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
            org.ppfarm.prover.groth16.ProofResult result;
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

    private int onFarm() throws IOException {
        if (!files.isEmpty() || wasm != null) throw new ParameterException(spec.commandLine(), "--server takes no positional arguments and no --wasm");
        if (timeoutS != null && timeoutS <= 0) throw new ParameterException(spec.commandLine(), "--timeout-s must be positive, not " + timeoutS);
        for (Path p : new Path[] {proofOut, publicOut, calldataOut}) if (p != null) Inputs.output(p);
        // the key is drawn here, not by the client library, so that a caller whose farm went away can name the job
        String key = idempotencyKey != null ? idempotencyKey : FarmClient.newIdempotencyKey();
        SubmitRequest req = job.request(input).setIdempotencyKey(key).build();
        Job done;
        try (FarmClient client = access.connect(server)) {
            done = client.prove(req, Duration.ofSeconds(timeoutS == null ? 600 : timeoutS));
        } catch (FarmException e) {
            Status.Code c = e.code();
            if (c != Status.Code.UNAVAILABLE && c != Status.Code.DEADLINE_EXCEEDED) throw e;
            // the job may have been accepted: the same request under the same key reaches it, at any coordinator
            String d = e.status().getDescription();
            throw new FarmException(e.status().withDescription((d == null ? "" : Ppfarm.oneLine(d) + "; ")
                    + "the job may still be proved: run the same command with --idempotency-key " + key + " to reach it"));
        }
        PrintWriter out = spec.commandLine().getOut();
        ProofResult r = done.getResult();
        if (proofOut != null) Files.writeString(proofOut, r.getProofJson());
        else out.println(r.getProofJson());
        if (publicOut != null) Files.writeString(publicOut, r.getPublicJson());
        else out.println(r.getPublicJson());
        if (calldataOut != null) Files.writeString(calldataOut, r.getSolidityCalldata());
        StageTimings t = r.getTimings();
        out.printf("verified proof for job %s by %s (%s): queued %.1f ms, witness %.1f ms, wait for a proving slot %.1f ms, "
                        + "prove %.1f ms, verify %.1f ms%n", done.getJobId(), r.getWorkerId(), r.getBackend(), t.getQueuedMicros() / 1e3,
                t.getWitnessMicros() / 1e3, t.getProveWaitMicros() / 1e3, t.getProveMicros() / 1e3, t.getVerifyMicros() / 1e3);
        return Ppfarm.OK;
    }
}
