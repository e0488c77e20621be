package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm coordinator [coordinator.properties] [key=value ...]}: one coordinator against an external Kafka,
 * until SIGTERM/SIGINT. Prints {@code coordinator ID ready on HOST:PORT, artifacts on HOST:PORT} (the clients' gRPC
 * API, then the Artifacts service workers' {@code coordinator.address} names) once it serves. The keys are
 * {@link CoordinatorConfig}'s (docs/farm.md, configuration reference).
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Runs one farm coordinator (gRPC API, Pekko cluster node) against an external Kafka until SIGTERM.",
                "Settings: a properties file and/or key=value arguments; keys in docs/farm.md (e.g. kafka.bootstrap.servers,",
                "artifacts.dir, seal.public.key, grpc.port, artifacts.port)."})
final class CoordinatorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerProcess settings;

    @Override
    public Integer call() throws Exception {
        CoordinatorConfig config = new CoordinatorConfig(settings.load()); // a refused setting: one line, exit 2 (Ppfarm)
        Coordinator c = Coordinator.start(config);
        return ServerProcess.serveUntilStopped(spec,
                "coordinator " + c.id() + " ready on " + config.getString(CoordinatorConfig.GRPC_HOST) + ":" + c.port()
                        + ", artifacts on " + config.getString(CoordinatorConfig.CLUSTER_HOST) + ":" + c.artifactsPort(), c, c.broken());
    }
}
