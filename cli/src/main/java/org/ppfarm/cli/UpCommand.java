package org.ppfarm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.embedded.EmbeddedFarm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm up}: the whole farm in this process on embedded defaults (a KRaft Kafka broker, a coordinator, a
 * CPU worker, the production 0xbow circuits registered); prints {@code seal-key-fingerprint: <sha256>} (what clients
 * pin to seal inputs), one {@code metrics: http://127.0.0.1:PORT/metrics} line per node (coordinator, then worker),
 * then {@code ppfarm ready on host:port}, and serves until interrupted (Ctrl-C / SIGTERM), then shuts down cleanly.
 * {@code --secure} first prints {@code ca: <path>} and {@code api-key: <key>}, and takes only sealed inputs.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Runs a farm on embedded defaults: Kafka (KRaft) broker, coordinator and CPU worker in one process.")
final class UpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--port", defaultValue = "50051", description = "gRPC port on 127.0.0.1 (0: any free port; default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--data-dir", description = "Broker and registry data directory (default: a temporary one, deleted on exit).")
    Path dataDir;
    @Option(names = "--artifacts", description = "Directory with the 0xbow circuit files (default: fetched by scripts/fetch-artifacts.sh); hash-checked either way.")
    Path artifacts;
    @Option(names = "--workers", defaultValue = "2", description = "Jobs the worker runs at once (worker.concurrency; one proves at a "
            + "time, the others compute their witnesses meanwhile; default ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--secure", description = "TLS (a throwaway CA, its certificate written to a file) and API keys required; "
            + "Kafka (SCRAM), the cluster and the artifacts port on TLS too (tls/kafka.properties beside the CA for ppfarm tenants); "
            + "prints 'ca: <path>' and 'api-key: <key>' of a first tenant (an admin) for --tls-ca and --api-key; only inputs "
            + "sealed by the client are taken (--seal-key-fingerprint, printed as 'seal-key-fingerprint: <sha256>').")
    boolean secure;

    @Override
    public Integer call() throws Exception {
        ServerProcess.requirePort(spec, "--port", port); // before the broker starts
        EmbeddedFarm.Options d = EmbeddedFarm.Options.defaults();
        EmbeddedFarm.Options o = new EmbeddedFarm.Options(port, dataDir, artifacts, null, workers, d.protocolInputs());
        EmbeddedFarm farm = EmbeddedFarm.start(secure ? o.secured() : o);
        if (secure) {
            spec.commandLine().getOut().println("ca: " + farm.caFile());
            spec.commandLine().getOut().println("api-key: " + farm.apiKey());
        }
        spec.commandLine().getOut().println("seal-key-fingerprint: " + farm.sealKeyFingerprint());
        for (String url : farm.metricsUrls()) spec.commandLine().getOut().println("metrics: " + url);
        return ServerProcess.serveUntilStopped(spec, "ppfarm ready on " + farm.address(), farm, farm.coordinator().broken());
    }
}
