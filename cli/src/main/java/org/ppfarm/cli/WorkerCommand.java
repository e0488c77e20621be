package org.ppfarm.cli;

import java.util.concurrent.Callable;
import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm worker [worker.properties] [key=value ...]}: one proving worker (a Kafka consumer-group member)
 * until SIGTERM/SIGINT, then a graceful shutdown (in-flight jobs finish within shutdown.grace.ms). Prints
 * {@code worker ID ready} once it runs. The keys are {@link WorkerConfig}'s (docs/farm.md).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs one proving worker (Kafka consumer group member) until SIGTERM, then shuts down gracefully.",
                "Settings: a properties file and/or key=value arguments; keys in docs/farm.md (e.g. kafka.bootstrap.servers,",
                "coordinator.address, seal.key.pair, artifacts.cache.dir)."})
final class WorkerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerProcess settings;

    @Override
    public Integer call() throws Exception {
        WorkerConfig config = new WorkerConfig(settings.load()); // a refused setting: one line, exit 2 (Ppfarm)
        Worker w = new Worker(config).start();
        return ServerProcess.serveUntilStopped(spec, "worker " + w.id() + " ready", w, w.broken());
    }
}
