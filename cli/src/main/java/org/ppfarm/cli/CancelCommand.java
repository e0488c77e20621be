package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ppfarm cancel --server H:P JOB}: cancels a job and prints its state as JSON ({@link FarmClient#cancel}). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancels a job and prints its state as JSON.", "Usage: ppfarm cancel --server H:P JOB"})
final class CancelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FarmServer farm;
    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (what submit printed).") String job;

    @Override
    public Integer call() {
        try (FarmClient client = farm.connect()) {
            spec.commandLine().getOut().println(FarmServer.json(client.cancel(job)));
        }
        return Ppfarm.OK;
    }
}
