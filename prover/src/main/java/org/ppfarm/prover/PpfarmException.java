package org.ppfarm.prover;

/**
 * Base of ppfarm's typed errors. The message is one line a user can act on: it names the input (file, field,
 * signal or section) and what is wrong. Subclasses tell the edge how to map it (e.g. gRPC INVALID_ARGUMENT).
 */
public class PpfarmException extends RuntimeException {
    public PpfarmException(String message) { super(message); }
    public PpfarmException(String message, Throwable cause) { super(message, cause); }
}
