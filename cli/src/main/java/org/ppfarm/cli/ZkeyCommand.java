package org.ppfarm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.setup.DevSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppfarm zkey ...}: tools on proving keys. */
@Command(name = "zkey", mixinStandardHelpOptions = true, description = "Proving key tools.",
        subcommands = {ZkeyCommand.ExportVkey.class, ZkeyCommand.DevSetupCommand.class})
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

    /**
     * {@code ppfarm zkey dev-setup <circuit.r1cs> [<zkey>] [<vkey.json>]}: a development key straight from the r1cs
     * ({@link DevSetup}), for circuits whose powers of tau would take too long here (2^20 constraints and more).
     * Unsafe by construction, and every place a user meets it says so: the help, the first line of output and the
     * default file names.
     */
    @Command(name = "dev-setup", mixinStandardHelpOptions = true,
            description = {"UNSAFE FOR PRODUCTION: writes a development Groth16 zkey and its verification_key.json straight from a circuit's .r1cs, "
                    + "with random toxic waste drawn in this process. Anyone who could read this process's memory can forge proofs for the key.",
                    "For tests and benchmarks of circuits too large for a quick powers of tau. snarkjs and rapidsnark prove with the key; "
                    + "production keys need a public powers of tau and a phase-2 ceremony."})
    static final class DevSetupCommand implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "<circuit.r1cs>") Path r1cs;
        @Parameters(index = "1", arity = "0..1", paramLabel = "<circuit.UNSAFE-dev.zkey>",
                description = "default: <circuit>.UNSAFE-dev.zkey beside the r1cs") Path zkey;
        @Parameters(index = "2", arity = "0..1", paramLabel = "<verification_key.json>",
                description = "default: <circuit>.UNSAFE-dev.vkey.json beside the r1cs") Path vkey;

        @Override
        public Integer call() {
            Inputs.file(r1cs);
            String stem = r1cs.getFileName().toString().replaceFirst("\\.r1cs$", "");
            Path zkeyOut = Inputs.output(zkey != null ? zkey : r1cs.resolveSibling(stem + ".UNSAFE-dev.zkey"));
            Path vkeyOut = Inputs.output(vkey != null ? vkey : r1cs.resolveSibling(stem + ".UNSAFE-dev.vkey.json"));
            PrintWriter out = spec.commandLine().getOut();
            out.println("UNSAFE FOR PRODUCTION: a development key from toxic waste drawn in this process, not a ceremony; "
                    + "anyone who saw this process's memory can forge proofs for it");
            long t0 = System.nanoTime();
            ProvingKey pk;
            try {
                pk = DevSetup.write(r1cs, zkeyOut, vkeyOut);
            } catch (IllegalArgumentException e) { // a domain too large for Fr's roots of unity, τ a root of unity
                throw new PpfarmException(r1cs + ": " + e.getMessage(), e);
            }
            out.printf(Locale.ROOT, "wrote %s and %s: %d signals, %d public, domain 2^%d, in %.1f s%n", zkeyOut, vkeyOut,
                    pk.nVars(), pk.nPublic(), pk.domainLog(), (System.nanoTime() - t0) / 1e9);
            if (!zkeyOut.getFileName().toString().toLowerCase(Locale.ROOT).contains("unsafe"))
                out.println("note: the file name does not say the key is unsafe; consider " + stem + ".UNSAFE-dev.zkey");
            return Ppfarm.OK;
        }
    }
}
