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
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppfarm prove <zkey> <wtns> <proof.json> <public.json>}: rapidsnark's arguments, snarkjs's outputs. */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = {"Proves a witness with a Groth16 proving key and writes proof.json and public.json as snarkjs does.",
                "The proof is verified against the key before it is written."})
final class ProveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<circuit.zkey>") Path zkey;
    @Parameters(index = "1", paramLabel = "<witness.wtns>") Path wtns;
    @Parameters(index = "2", paramLabel = "<proof.json>") Path proofJson;
    @Parameters(index = "3", paramLabel = "<public.json>") Path publicJson;

    @Override
    public Integer call() {
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
}
