package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.gpukernels.GpuAvailability;
import org.ppfarm.prover.CpuKernels;
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
        GpuAvailability probe = GpuAvailability.probe();
        out.print(probe.describe());
        // the farm's worker pipeline (EnginePipeline.Factory) makes the same probe at start
        out.println("farm worker pipeline: " + (probe.available() ? "gpu" : "cpu")
                + " (EnginePipeline makes the same probe, and proves on the CPU if the device then fails to open)");
        // the CPU prover's inner loops: native (cpu-kernels' libppfarm_cpu.so) unless it failed to load or was turned off
        out.println("cpu kernels: " + CpuKernels.selected().name() + " (" + CpuKernels.PROPERTY + "="
                + System.getProperty(CpuKernels.PROPERTY, "auto") + ")");
        return Ppfarm.OK;
    }
}
