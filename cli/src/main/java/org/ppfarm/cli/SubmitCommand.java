package org.ppfarm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/** {@code ppfarm submit --server H:P --circuit NAME[@VERSION]|SHA256 (--input F.json | --wtns F.wtns | --withdraw-request F.json | --ragequit-request F.json) [--priority low|normal|high] [--deadline-s N] [--idempotency-key K]}: a farm client command (see {@link FarmClientCommands}). */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits a proof job to a farm and prints its job id.", "Usage: ppfarm submit --server H:P --circuit NAME[@VERSION]|SHA256 (--input F.json | --wtns F.wtns | --withdraw-request F.json | --ragequit-request F.json) [--priority low|normal|high] [--deadline-s N] [--idempotency-key K]"})
final class SubmitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Unmatched List<String> args;

    @Override
    public Integer call() {
        return FarmClientCommands.run(spec.commandLine().getOut(), spec.commandLine().getErr(), "submit", args);
    }
}
