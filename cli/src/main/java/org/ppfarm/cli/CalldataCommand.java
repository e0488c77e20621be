package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.SolidityCalldata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ppfarm calldata <public.json> <proof.json>}: what {@code snarkjs zkey export soliditycalldata} prints. */
@Command(name = "calldata", mixinStandardHelpOptions = true,
        description = "Prints the Solidity verifier's arguments for a proof (as snarkjs zkey export soliditycalldata).")
final class CalldataCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "<public.json>") Path publicJson;
    @Parameters(index = "1", paramLabel = "<proof.json>") Path proofJson;

    @Override
    public Integer call() {
        PublicSignals pub = PublicSignals.readJson(Inputs.file(publicJson));
        Proof proof = Proof.readJson(Inputs.file(proofJson));
        spec.commandLine().getOut().println(SolidityCalldata.format(proof, pub));
        return Ppfarm.OK;
    }
}
