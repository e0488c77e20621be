package org.ppfarm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code ppfarm circuits list --server H:P} and {@code ppfarm circuits register --server H:P --name NAME@VERSION
 * --zkey F --wasm F [--vkey F]} (the upload is content-addressed; a farm refuses bytes that do not hash as declared).
 */
@Command(name = "circuits", mixinStandardHelpOptions = true,
        description = {"Lists a farm's circuits, or registers one (zkey + wasm [+ vkey], streamed, checked by SHA-256).",
                "Usage: ppfarm circuits list --server H:P",
                "       ppfarm circuits register --server H:P --name NAME@VERSION --zkey F --wasm F [--vkey F]"})
final class CircuitsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "list|register") String action;
    @Unmatched List<String> args;

    @Override
    public Integer call() {
        if (!action.equals("list") && !action.equals("register"))
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "expected list or register, not '" + action + "'");
        return FarmClientCommands.run(spec.commandLine().getOut(), spec.commandLine().getErr(), "circuits " + action, args);
    }
}
