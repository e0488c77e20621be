package org.ppfarm.privacypool.request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ppfarm.privacypool.protocol.RagequitInputs;
import org.ppfarm.privacypool.protocol.WithdrawInputs;

/**
 * What {@code ppfarm inputs withdraw <request.json>} and {@code ppfarm inputs ragequit <request.json>} do: read a
 * request, check it, and return the circuit's input JSON (signal names as the production circuits declare them).
 * Every refusal is a {@link org.ppfarm.prover.PpfarmException} whose message is one line naming the field; the CLI
 * prints {@code "<file>: " + message} and exits non-zero. Secrets are wiped from ppfarm's own buffers before return.
 */
public final class PoolInputs {
    private PoolInputs() {}

    /** The withdraw circuit's input JSON for the request in {@code requestFile}. */
    public static String withdrawInputJson(Path requestFile) {
        return withdrawInputJson(read(requestFile));
    }

    /** The withdraw circuit's input JSON for a request document. */
    public static String withdrawInputJson(String requestJson) {
        try (WithdrawRequest request = WithdrawRequest.parse(requestJson);
             WithdrawInputs inputs = request.toInputs()) {
            return inputs.toJson();
        }
    }

    /** The commitment (ragequit) circuit's input JSON for the request in {@code requestFile}. */
    public static String ragequitInputJson(Path requestFile) {
        return ragequitInputJson(read(requestFile));
    }

    public static String ragequitInputJson(String requestJson) {
        try (RagequitRequest request = RagequitRequest.parse(requestJson);
             RagequitInputs inputs = request.toInputs()) {
            return inputs.toJson();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RequestFormatException("request", "no such file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
