package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.privacypool.request.PoolInputs;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm inputs withdraw|ragequit <request.json>}: checks a privacy-pool request and prints the circuit's
 * input JSON (what {@code ppfarm prove --input} or snarkjs take). The output contains the note's secrets — it goes
 * to stdout only, where the user sent it.
 */
@Command(name = "inputs", mixinStandardHelpOptions = true,
        description = {"Turns a privacy-pool withdraw or ragequit request into the circuit's input JSON, checked.",
                "The output carries the note's nullifier and secret: treat it as a spending key."})
final class InputsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "withdraw|ragequit") String kind;
    @Parameters(index = "1", paramLabel = "<request.json>") Path request;

    @Override
    public Integer call() {
        Inputs.file(request);
        String json;
        try {
            json = switch (kind) {
                case "withdraw" -> PoolInputs.withdrawInputJson(request);
                case "ragequit" -> PoolInputs.ragequitInputJson(request);
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "expected withdraw or ragequit, not '" + kind + "'");
            };
        } catch (PpfarmException e) {
            throw new PpfarmException(request + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println(json);
        return Ppfarm.OK;
    }
}
