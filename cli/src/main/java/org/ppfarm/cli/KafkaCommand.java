package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.broker.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm kafka --data-dir DIR --port P}: a single-node Kafka broker (KRaft, broker and controller in one) as
 * its own process, for a farm of separate processes whose operator has no Kafka cluster — the same broker as
 * {@code ppfarm up}'s ({@link EmbeddedKafka}). The directory is formatted on first use and reused after, so a
 * restart on the same directory and port keeps every topic, record and committed offset. Prints
 * {@code kafka ready: bootstrap HOST:PORT} (what coordinators and workers take as {@code kafka.bootstrap.servers})
 * once it serves; SIGTERM/SIGINT shut it down cleanly. One node replicates nothing: a production farm wants a Kafka
 * cluster (docs/operations.md).
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"Runs a single-node Kafka broker (KRaft) until SIGTERM; its data survives a restart on the same --data-dir.",
                "Prints \"kafka ready: bootstrap HOST:PORT\": the farm's kafka.bootstrap.servers."})
final class KafkaCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "The broker's data (created and formatted if empty, reused after).")
    Path dataDir;
    @Option(names = "--port", defaultValue = "9092", description = "Port for clients (default ${DEFAULT-VALUE}; 0: a free one).")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface, then give --advertised-host).")
    String host;
    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "The host name or address clients connect to (default: --host).")
    String advertisedHost;

    @Override
    public Integer call() throws Exception {
        ServerProcess.requirePort(spec, "--port", port);
        String advertised = advertisedHost != null ? advertisedHost : host;
        if (advertised.equals("0.0.0.0") || advertised.equals("::"))
            throw new ParameterException(spec.commandLine(),
                    "--advertised-host: clients cannot connect to " + advertised + "; name this host's address");
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, false, host, port, advertised);
        return ServerProcess.serveUntilStopped(spec, "kafka ready: bootstrap " + kafka.bootstrapServers(), kafka);
    }
}
