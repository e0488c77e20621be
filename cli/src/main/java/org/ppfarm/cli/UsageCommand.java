package org.ppfarm.cli;

import com.google.protobuf.util.Timestamps;
import org.ppfarm.client.FarmClient;
import org.ppfarm.proto.v1.GetUsageResponse;
import org.ppfarm.proto.v1.UsageRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ppfarm usage --server H:P [--tenant NAME] [--json]}: the caller's tenant's proofs and proving seconds per
 * circuit and backend (GetUsage); an admin tenant's key sees every tenant, or one with {@code --tenant}.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Proofs and proving seconds per tenant, circuit and backend (your tenant's; an admin's key: every tenant's).",
                "cpu-s: CPU seconds the workers' operating system measured (witness; proving and verifying, over every thread); "
                        + "gpu-s: proving on a CUDA backend; wall-s: the stages' wall-clock seconds (docs/security.md)."})
final class UsageCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FarmServer farm;
    @Option(names = "--tenant", paramLabel = "NAME", description = "Only this tenant (an admin right for another tenant than yours).") String tenant;
    @Option(names = "--json", description = "The GetUsage answer as JSON.") boolean json;

    @Override
    public Integer call() {
        GetUsageResponse r;
        try (FarmClient client = farm.connect()) {
            r = client.usage(tenant);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(FarmServer.json(r));
            return Ppfarm.OK;
        }
        out.println("since " + (r.hasSince() ? Timestamps.toString(r.getSince()) : "-"));
        out.println(String.format(Locale.ROOT, "%-20s %-28s %-14s %10s %8s %14s %12s %12s %15s %13s",
                "tenant", "circuit", "backend", "succeeded", "failed", "witness-cpu-s", "prove-cpu-s", "gpu-s", "witness-wall-s", "prove-wall-s"));
        for (UsageRow u : r.getRowsList())
            out.println(String.format(Locale.ROOT, "%-20s %-28s %-14s %10d %8d %14.3f %12.3f %12.3f %15.3f %13.3f",
                    u.getTenant().isEmpty() ? "(anonymous)" : u.getTenant(), u.getCircuit(), u.getBackend().isEmpty() ? "-" : u.getBackend(),
                    u.getSucceeded(), u.getFailed(), u.getWitnessSeconds(), u.getProveCpuSeconds(), u.getGpuSeconds(),
                    u.getWitnessWallSeconds(), u.getProveWallSeconds()));
        return Ppfarm.OK;
    }
}
