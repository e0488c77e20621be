package org.ppfarm.witness;

/**
 * A circuit-input JSON {@link InputValidator} refuses; the message names the signal (or the place in the document)
 * and the problem, never a value. The coordinator answers it INVALID_ARGUMENT, the worker fails the job with it, both
 * with this message verbatim.
 */
public final class InvalidCircuitInputException extends Exception {
    public InvalidCircuitInputException(String message) { super(message, null, false, false); }
}
