package org.ppfarm.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A farm call that failed: the gRPC status the coordinator answered (or the transport produced), after any retries.
 * Its message is one line, {@code CODE: description}; the description names the signal, field, circuit or limit at
 * fault when the farm refused the request.
 */
public final class FarmException extends RuntimeException {
    private final Status status;

    public FarmException(Status status) {
        super(status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()), status.getCause());
        this.status = status;
    }

    static FarmException of(Throwable t) {
        return switch (t) {
            case FarmException f -> f;
            case StatusRuntimeException s -> new FarmException(s.getStatus());
            case io.grpc.StatusException s -> new FarmException(s.getStatus());
            default -> new FarmException(Status.fromThrowable(t));
        };
    }

    public Status status() { return status; }

    public Status.Code code() { return status.getCode(); }

    /**
     * Whether the farm refused the request itself — bad input, unknown circuit or job, a size limit, a name taken, a
     * deadline — rather than failing to answer it: the same request would be refused again.
     */
    public boolean refused() {
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, NOT_FOUND, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ALREADY_EXISTS, FAILED_PRECONDITION -> true;
            default -> false;
        };
    }
}
