package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.prover.format.ZkeyFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppfarm zkey ...}: tools on proving keys. */
@Command(name = "zkey", mixinStandardHelpOptions = true, description = "Proving key tools.",
        subcommands = {ZkeyCommand.ExportVkey.class})
final class ZkeyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a zkey command is required");
    }

    /** {@code ppfarm zkey export-vkey <zkey> <vkey.json>}: what {@code snarkjs zkey export verificationkey} writes. */
    @Command(name = "export-vkey", mixinStandardHelpOptions = true,
            description = "Writes the zkey's verification key as verification_key.json (as snarkjs zkey export verificationkey).")
    static final class ExportVkey implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "<circuit.zkey>") Path zkey;
        @Parameters(index = "1", paramLabel = "<verification_key.json>") Path vkey;

        @Override
        public Integer call() {
            ZkeyFile.readVerificationKey(Inputs.file(zkey)).writeJson(Inputs.output(vkey));
            return Ppfarm.OK;
        }
    }
}
