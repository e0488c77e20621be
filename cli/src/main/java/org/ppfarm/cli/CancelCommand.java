package org.ppfarm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/** {@code ppfarm cancel --server H:P JOB}: a farm client command (see {@link FarmClientCommands}). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancels a job and prints its state as JSON.", "Usage: ppfarm cancel --server H:P JOB"})
final class CancelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Unmatched List<String> args;

    @Override
    public Integer call() {
        return FarmClientCommands.run(spec.commandLine().getOut(), spec.commandLine().getErr(), "cancel", args);
    }
}
