package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.prover.format.FormatException;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ppfarm verify <verification_key.json> <public.json> <proof.json>}: snarkjs groth16 verify's arguments. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks a Groth16 proof against a verification key and public signals.",
                "Exit 0: valid; 1: invalid; 2: bad input (malformed files, wrong number of public signals)."})
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "<verification_key.json>") Path vkey;
    @Parameters(index = "1", paramLabel = "<public.json>") Path publicJson;
    @Parameters(index = "2", paramLabel = "<proof.json>") Path proofJson;

    @Override
    public Integer call() {
        VerificationKey vk = VerificationKey.readJson(Inputs.file(vkey));
        PublicSignals pub = PublicSignals.readJson(Inputs.file(publicJson));
        Proof proof = Proof.readJson(Inputs.file(proofJson));
        if (pub.size() != vk.nPublic())
            throw new FormatException(publicJson.toString(), "public signals",
                    "holds " + pub.size() + " signals but " + vkey + " expects nPublic=" + vk.nPublic());
        if (Verifier.verify(vk, pub, proof)) {
            spec.commandLine().getOut().println("OK: the proof is valid");
            return Ppfarm.OK;
        }
        spec.commandLine().getOut().println("INVALID: the proof does not verify");
        return Ppfarm.INVALID;
    }
}
