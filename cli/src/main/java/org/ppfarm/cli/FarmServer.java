package org.ppfarm.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import org.ppfarm.client.FarmClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --server HOST:PORT[,HOST:PORT…]} every farm client command takes ({@code submit}, {@code status},
 * {@code watch}, {@code cancel}, {@code circuits}; {@code prove --server} has its own, optional), with
 * {@link FarmAccess}'s TLS and API key options, and a {@link FarmClient} to it. A call the farm refuses ({@code FarmException}) is reported by {@link Ppfarm} as
 * {@code CODE: description}, exit 2; one it fails to answer, exit 3.
 */
final class FarmServer {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = {"The farm's coordinator (ppfarm up prints it), or its coordinators: calls go to a live one."})
    String server;
    @Mixin FarmAccess access;

    FarmClient connect() {
        return access.connect(server);
    }

    /** A job, a circuit list entry: as the API's JSON mapping prints it. */
    static String json(MessageOrBuilder m) {
        try {
            return JsonFormat.printer().print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + m.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
