package org.ppfarm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.ppfarm.loadtest.LoadSettings;
import org.ppfarm.loadtest.LoadTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm load}: a load campaign against a farm (or the embedded farm), as {@link LoadTest} runs it. The flags
 * are the campaign keys most reached for; {@code --set KEY=VALUE} gives any other ({@link LoadSettings#KEYS}), and
 * flags override the {@code --campaign} file's keys. Exit codes: 0 passed, 1 a threshold missed, 2 a bad setting
 * (before any load), 3 the farm unreachable or failing. A secured farm is reached with the farm commands' TLS, API key
 * and sealing options ({@link FarmAccess}).
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a load campaign: open-loop (or closed-loop) load with fresh privacy-pool inputs, every proof verified,",
                "coordinated-omission-corrected percentiles, and a report (summary.json, report.html, timeseries.csv, *.hgrm).",
                "Without --server it starts the embedded farm."},
        footer = {"%nEvery flag is a campaign key (--rate is rate); --set KEY=VALUE gives the others. The keys: loadtest/README.md."})
final class LoadCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--campaign", paramLabel = "FILE", description = "A campaign file (.yaml or .properties), e.g. loadtest/campaigns/smoke.yaml.") Path campaign;
    @Option(names = "--server", paramLabel = "H:P[,H:P...]", description = "The farm's coordinators (default: start the embedded farm).") String server;
    @Option(names = "--circuit", paramLabel = "NAME[:WEIGHT]", description = "A circuit of the mix (repeatable): withdraw, commitment, or one with --set inputs.") List<String> circuits;
    @Option(names = "--rate", paramLabel = "R", description = "Jobs per second (default 1).") String rate;
    @Option(names = "--duration", paramLabel = "D", description = "How long load is offered, e.g. 60s (default).") String duration;
    @Option(names = "--api", paramLabel = "API", description = "prove (default), submit-watch or batch.") String api;
    @Option(names = "--mode", paramLabel = "MODE", description = "open (default) or closed.") String mode;
    @Option(names = "--concurrency", paramLabel = "N", description = "Requests in flight in closed mode (default 4).") String concurrency;
    @Option(names = "--report", paramLabel = "DIR", description = "Where to write the report.") String report;
    @Option(names = "--slo", paramLabel = "THRESHOLDS", description = "e.g. 'p99<2s' or 'p50<500ms,p99<2s': missed -> exit 1.") String slo;
    @Option(names = "--max-error-rate", paramLabel = "F", description = "Largest fraction of requests allowed to fail (e.g. 0): above -> exit 1.") String maxErrorRate;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the inputs and arrivals (default 1).") String seed;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any campaign key (repeatable).") Map<String, String> set = new LinkedHashMap<>();
    /** How a secured farm is reached (--server only): not campaign keys, so that no key or file path of them sits in a campaign file. */
    @Mixin FarmAccess access;

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new LinkedHashMap<>(set);
        put(o, "server", server);
        if (circuits != null) o.put("circuit", String.join(",", circuits));
        put(o, "rate", rate);
        put(o, "duration", duration);
        put(o, "api", api);
        put(o, "mode", mode);
        put(o, "concurrency", concurrency);
        put(o, "report", report);
        put(o, "slo", slo);
        put(o, "max.error.rate", maxErrorRate);
        put(o, "seed", seed);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        // the options given on this command line (an API key only from the environment is not refused with the embedded
        // farm, just not sent); LoadTest applies them, checking their files and combination, when it builds the client,
        // before any load
        List<String> given = Stream.of("--tls-ca", "--tls-cert", "--tls-key", "--api-key", "--seal-key-fingerprint")
                .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
        return LoadTest.run(campaign, o, new LoadTest.Access(access::configure, given), out, err);
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null) o.put(key, value);
    }
}
