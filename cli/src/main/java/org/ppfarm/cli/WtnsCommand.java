package org.ppfarm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppfarm wtns ...}: witness files. */
@Command(name = "wtns", mixinStandardHelpOptions = true, description = "Witness (.wtns) tools.",
        subcommands = {WtnsCommand.Calculate.class, CommandLine.HelpCommand.class})
final class WtnsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (calculate)");
    }

    /** {@code ppfarm wtns calculate <circuit.wasm> <input.json> <witness.wtns>}: snarkjs's arguments and output, in-process. */
    @Command(name = "calculate", mixinStandardHelpOptions = true,
            description = {"Computes a circuit's witness from its circom wasm and input JSON and writes it as snarkjs does.",
                    "Same .wtns bytes as `snarkjs wtns calculate`; inputs are checked (missing, unknown, wrong length, not a number, >= p)."})
    static final class Calculate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "<circuit.wasm>") Path wasm;
        @Parameters(index = "1", paramLabel = "<input.json>") Path input;
        @Parameters(index = "2", paramLabel = "<witness.wtns>") Path wtns;

        @Override
        public Integer call() {
            Inputs.file(input);
            Inputs.output(wtns);
            Witness w = WitnessFiles.compute(WitnessFiles.load(wasm), input);
            try {
                WtnsFile.write(w, wtns);
            } catch (IOException e) {
                throw new UncheckedIOException(wtns + ": cannot write: " + e.getMessage(), e);
            } finally {
                w.zeroize();
            }
            return Ppfarm.OK;
        }
    }
}
