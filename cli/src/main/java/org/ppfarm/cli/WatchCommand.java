package org.ppfarm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/** {@code ppfarm watch --server H:P JOB}: a farm client command (see {@link FarmClientCommands}). */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Prints a job's state changes until it ends.", "Usage: ppfarm watch --server H:P JOB"})
final class WatchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Unmatched List<String> args;

    @Override
    public Integer call() {
        return FarmClientCommands.run(spec.commandLine().getOut(), spec.commandLine().getErr(), "watch", args);
    }
}
