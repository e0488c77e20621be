package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.gpukernels.GpuAvailability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ppfarm backend}: which proving backend is active on this machine and why (GPU probe: build, library, device). */
@Command(name = "backend", mixinStandardHelpOptions = true,
        description = "Prints which proving backend is active here (GPU or CPU) and why.")
final class BackendCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(GpuAvailability.probe().describe());
        // the farm's worker pipeline (EnginePipeline) proves with the CPU engine whatever the probe finds
        out.println("farm worker pipeline: cpu (org.ppfarm.worker.pipeline.EnginePipeline)");
        return Ppfarm.OK;
    }
}
