package org.ppfarm.worker.pipeline;

import org.ppfarm.privacypool.request.PoolInputs;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.worker.pipeline.ProvingPipeline.JobInputException;

import java.nio.charset.StandardCharsets;

/**
 * Privacy-pool requests a client sealed (withdraw or ragequit, {@code SubmitRequest.sealed_input}) turned into circuit
 * inputs on the worker, the only node that sees them opened. An impossible request — a note not in the state tree, a
 * label the ASP has not approved, a withdrawn value above the note's — fails the job with the message the coordinator
 * gives the same request in plaintext ({@code withdraw request: <field>: <reason>}), never echoing a value.
 */
public final class PoolRequests {
    private PoolRequests() {}

    /** The circuit-input JSON for an opened request of {@code kind}; the caller zeroizes both buffers after use. */
    public static byte[] circuitInput(InputKind kind, byte[] requestJson) throws JobInputException {
        String request = new String(requestJson, StandardCharsets.UTF_8);
        try {
            String json = switch (kind) {
                case INPUT_KIND_WITHDRAW_REQUEST -> PoolInputs.withdrawInputJson(request);
                case INPUT_KIND_RAGEQUIT_REQUEST -> PoolInputs.ragequitInputJson(request);
                default -> throw new IllegalArgumentException("not a privacy-pool request: " + kind);
            };
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (PpfarmException e) {
            throw new JobInputException((kind == InputKind.INPUT_KIND_WITHDRAW_REQUEST ? "withdraw" : "ragequit") + " request: " + e.getMessage());
        }
    }

    /** Whether {@code kind} is a privacy-pool request the worker builds the circuit input of. */
    public static boolean isRequest(InputKind kind) {
        return kind == InputKind.INPUT_KIND_WITHDRAW_REQUEST || kind == InputKind.INPUT_KIND_RAGEQUIT_REQUEST;
    }
}
