package org.ppfarm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.ppfarm.coordinator.CoordinatorMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ppfarm coordinator [coordinator.properties] [key=value ...]}: one coordinator against an external Kafka,
 * until SIGTERM. The keys are {@code CoordinatorConfig}'s (docs/farm.md, configuration reference).
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Runs one farm coordinator (gRPC API, Pekko cluster node) against an external Kafka until SIGTERM.",
                "Settings: a properties file and/or key=value arguments; keys in docs/farm.md (e.g. kafka.bootstrap.servers,",
                "artifacts.dir, seal.public.key, grpc.port)."})
final class CoordinatorCommand implements Callable<Integer> {
    @Parameters(paramLabel = "<file.properties|key=value>", arity = "1..*") List<String> settings;

    @Override
    public Integer call() throws Exception {
        CoordinatorMain.main(settings.toArray(String[]::new));
        return Ppfarm.OK;
    }
}
