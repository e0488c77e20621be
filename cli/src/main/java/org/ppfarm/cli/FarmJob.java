package org.ppfarm.cli;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Stream;
import org.ppfarm.farm.Sha256;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import picocli.CommandLine.Option;

/**
 * A farm job's circuit and input files, as {@code ppfarm submit} and {@code ppfarm prove --server} take them
 * ({@code --input} is each command's own: {@code prove} shares it with local proving).
 */
final class FarmJob {
    @Option(names = "--circuit", paramLabel = "NAME[@VERSION]|SHA256", description = "Farm: the registered circuit (required with a farm).") String circuit;
    @Option(names = "--wtns", paramLabel = "witness.wtns", description = "Farm: a computed witness.") Path wtns;
    @Option(names = "--withdraw-request", paramLabel = "request.json", description = "Farm: a privacy-pool withdraw request.") Path withdrawRequest;
    @Option(names = "--ragequit-request", paramLabel = "request.json", description = "Farm: a privacy-pool ragequit request.") Path ragequitRequest;

    /**
     * The job for the circuit (name[@version], or a zkey's SHA-256) with exactly one input, read from its file; the
     * file's bytes are cleared once copied into the request (inputs are spending keys).
     */
    SubmitRequest.Builder request(Path inputJson) {
        if (circuit == null) throw new PpfarmException("--circuit is required with a farm");
        if (Stream.of(inputJson, wtns, withdrawRequest, ragequitRequest).filter(Objects::nonNull).count() != 1)
            throw new PpfarmException("give exactly one of --input, --wtns, --withdraw-request, --ragequit-request");
        SubmitRequest.Builder b = SubmitRequest.newBuilder().setCircuit(Sha256.isHex(circuit)
                ? CircuitRef.newBuilder().setZkeySha256(circuit) : CircuitRef.newBuilder().setName(circuit));
        if (inputJson != null) b.setInputJsonBytes(read(inputJson));
        if (wtns != null) b.setWtns(read(wtns));
        if (withdrawRequest != null) b.setWithdrawRequestJsonBytes(read(withdrawRequest));
        if (ragequitRequest != null) b.setRagequitRequestJsonBytes(read(ragequitRequest));
        return b;
    }

    private static ByteString read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Inputs.file(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return ByteString.copyFrom(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
