package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ppfarm status --server H:P JOB}: prints a job's state as JSON ({@link FarmClient#get}). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Prints a job's state as JSON.", "Usage: ppfarm status --server H:P JOB"})
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FarmServer farm;
    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (what submit printed).") String job;

    @Override
    public Integer call() {
        try (FarmClient client = farm.connect()) {
            spec.commandLine().getOut().println(FarmServer.json(client.get(job)));
        }
        return Ppfarm.OK;
    }
}
