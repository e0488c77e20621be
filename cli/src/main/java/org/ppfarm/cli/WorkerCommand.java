package org.ppfarm.cli;

import org.ppfarm.worker.WorkerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.ppfarm.worker.WorkerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ppfarm worker [worker.properties] [key=value ...]}: one proving worker (a Kafka consumer-group member)
 * until SIGTERM, then a graceful shutdown. The keys are {@code WorkerConfig}'s (docs/farm.md).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs one proving worker (Kafka consumer group member) until SIGTERM, then shuts down gracefully.",
                "Settings: a properties file and/or key=value arguments; keys in docs/farm.md (e.g. kafka.bootstrap.servers,",
                "coordinator.address, seal.key.pair, artifacts.cache.dir)."})
final class WorkerCommand implements Callable<Integer> {
    @Parameters(paramLabel = "<file.properties|key=value>", arity = "1..*") List<String> settings;

    @Override
    public Integer call() throws Exception {
        WorkerMain.main(settings.toArray(String[]::new));
        return Ppfarm.OK;
    }
}
