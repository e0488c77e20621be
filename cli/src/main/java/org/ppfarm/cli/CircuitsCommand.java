package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import org.ppfarm.proto.v1.Circuit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm circuits list --server H:P} and {@code ppfarm circuits register --server H:P --name NAME@VERSION
 * --zkey F --wasm F [--vkey F] [--sample-input F]} (the upload is content-addressed; a farm refuses bytes that do not hash as declared).
 */
@Command(name = "circuits", mixinStandardHelpOptions = true,
        description = {"Lists a farm's circuits, or registers one (zkey + wasm [+ vkey], streamed, checked by SHA-256).",
                "Usage: ppfarm circuits list --server H:P",
                "       ppfarm circuits register --server H:P --name NAME@VERSION --zkey F --wasm F [--vkey F] [--sample-input F]"},
        subcommands = {CircuitsCommand.List.class, CircuitsCommand.Register.class})
final class CircuitsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "expected list or register");
    }

    /** One line per circuit: {@code NAME@VERSION zkey SHA256 nPublic N}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the farm's circuits, one a line.")
    static final class List implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin FarmServer farm;

        @Override
        public Integer call() {
            try (FarmClient client = farm.connect()) {
                for (Circuit c : client.circuits())
                    spec.commandLine().getOut().println(c.getName() + " zkey " + c.getZkeySha256() + " nPublic " + c.getNPublic());
            }
            return Ppfarm.OK;
        }
    }

    /** Uploads a circuit's files; prints {@code registered NAME@VERSION zkey SHA256}. */
    @Command(name = "register", mixinStandardHelpOptions = true, description = "Registers a circuit: zkey + wasm [+ vkey], streamed, checked by SHA-256.")
    static final class Register implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin FarmServer farm;
        @Option(names = "--name", required = true, paramLabel = "NAME@VERSION") String name;
        @Option(names = "--zkey", required = true, paramLabel = "circuit.zkey") Path zkey;
        @Option(names = "--wasm", required = true, paramLabel = "circuit.wasm") Path wasm;
        @Option(names = "--vkey", paramLabel = "vkey.json", description = "The verification key (default: read from the zkey).") Path vkey;
        @Option(names = "--sample-input", paramLabel = "input.json", description = {"A valid input of the circuit (a throwaway one):",
                "the farm proves it before registering, refusing a wasm and zkey of different circuits."}) Path sampleInput;

        @Override
        public Integer call() {
            String[] nv = name.split("@", 2);
            if (nv.length != 2 || nv[0].isEmpty() || nv[1].isEmpty())
                throw new ParameterException(spec.commandLine(), "--name must be NAME@VERSION, not '" + name + "'");
            try (FarmClient client = farm.connect()) {
                Path v = vkey == null ? null : Inputs.file(vkey);
                Circuit c = sampleInput == null ? client.register(nv[0], nv[1], Inputs.file(zkey), Inputs.file(wasm), v)
                        : client.register(nv[0], nv[1], Inputs.file(zkey), Inputs.file(wasm), v, Inputs.read(sampleInput));
                spec.commandLine().getOut().println("registered " + c.getName() + " zkey " + c.getZkeySha256());
            }
            return Ppfarm.OK;
        }
    }
}
