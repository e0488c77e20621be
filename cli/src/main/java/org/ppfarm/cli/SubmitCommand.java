package org.ppfarm.cli;

import com.google.protobuf.util.Timestamps;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppfarm.client.FarmClient;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ppfarm submit --server H:P --circuit NAME[@VERSION]|SHA256 (--input F.json | --wtns F.wtns |
 * --withdraw-request F.json | --ragequit-request F.json) [--priority low|normal|high] [--deadline-s N]
 * [--idempotency-key K]}: enqueues a job and prints its id. Without a key the client draws one, so its own retries
 * make one job; give a key to make a resubmission (another run of this command) answer with the same job.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits a proof job to a farm and prints its job id.", "Usage: ppfarm submit --server H:P --circuit NAME[@VERSION]|SHA256 (--input F.json | --wtns F.wtns | --withdraw-request F.json | --ragequit-request F.json) [--priority low|normal|high] [--deadline-s N] [--idempotency-key K]"})
final class SubmitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin FarmServer farm;
    @Mixin FarmJob job;
    @Option(names = "--input", paramLabel = "input.json", description = "The circuit's input signals, as snarkjs takes them.") Path input;
    @Option(names = "--priority", paramLabel = "low|normal|high", description = "Queue priority (default normal).") String priority;
    @Option(names = "--deadline-s", paramLabel = "N", description = "Drop the job if it is not proved within N seconds.") Long deadlineS;
    @Option(names = "--idempotency-key", paramLabel = "K", description = "Submits with the same key answer with the same job.") String idempotencyKey;

    @Override
    public Integer call() {
        SubmitRequest.Builder b = job.request(input);
        if (priority != null) b.setPriority(switch (priority) {
            case "low" -> Priority.PRIORITY_LOW;
            case "normal" -> Priority.PRIORITY_NORMAL;
            case "high" -> Priority.PRIORITY_HIGH;
            default -> throw new ParameterException(spec.commandLine(), "--priority must be low, normal or high, not '" + priority + "'");
        });
        if (deadlineS != null) {
            if (deadlineS <= 0) throw new ParameterException(spec.commandLine(), "--deadline-s must be positive, not " + deadlineS);
            b.setDeadline(Timestamps.fromMillis(System.currentTimeMillis() + 1000 * deadlineS));
        }
        if (idempotencyKey != null) b.setIdempotencyKey(idempotencyKey);
        try (FarmClient client = farm.connect()) {
            spec.commandLine().getOut().println(client.submit(b.build()).getJobId());
        }
        return Ppfarm.OK;
    }
}
