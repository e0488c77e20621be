package org.ppfarm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm watch --server H:P JOB}: one line per state, {@code JOB STATUS[ error message]}, as it changes,
 * until the job ends ({@link FarmClient#watch}).
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Prints a job's state changes until it ends.", "Usage: ppfarm watch --server H:P JOB"})
final class WatchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FarmServer farm;
    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (what submit printed).") String job;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (FarmClient client = farm.connect(); var states = client.watch(job)) {
            states.forEach(j -> {
                out.println(j.getJobId() + " " + j.getStatus().name().substring("JOB_STATUS_".length())
                        + (j.hasError() ? " " + j.getError().getMessage() : ""));
                out.flush();
            });
        }
        return Ppfarm.OK;
    }
}
