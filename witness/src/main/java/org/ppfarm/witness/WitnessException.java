package org.ppfarm.witness;

import org.ppfarm.prover.PpfarmException;

/**
 * A witness could not be computed from these inputs: the message names the circuit, the signal (when there is one)
 * and the problem, and never contains an input value (inputs are spending keys).
 *
 * <p>Every kind is deterministic for the given circuit and inputs — running the same computation again fails the
 * same way — so the farm maps the whole family to INVALID_ARGUMENT and never retries it. No partial witness exists
 * when this is thrown: the instance that computed it has been wiped and discarded.
 */
public final class WitnessException extends PpfarmException {
    /** What went wrong. */
    public enum Kind {
        /** The input document is not a JSON object of signal names. */
        MALFORMED_INPUT,
        /** The circuit has an input the document does not give. */
        MISSING_SIGNAL,
        /** The document gives a signal that is not an input of the circuit. */
        UNKNOWN_SIGNAL,
        /** An input array has more or fewer values than the circuit's signal. */
        WRONG_LENGTH,
        /** A value is not a number snarkjs would accept (or a JSON number too large to be exact). */
        NOT_A_NUMBER,
        /** A value is not below the field modulus p (it is refused, not reduced). */
        OUT_OF_RANGE,
        /** The inputs violate an {@code assert} or constraint check inside the circuit. */
        CONSTRAINT_FAILED,
        /** The circuit needed more memory than one instance may use. */
        MEMORY_LIMIT,
        /** The circuit's code failed in another way (a wasm trap or an unexpected circom runtime error). */
        CIRCUIT_ERROR
    }

    private final Kind kind;
    private final String signal;

    public WitnessException(Kind kind, String signal, String message) {
        super(message);
        this.kind = kind;
        this.signal = signal;
    }

    public WitnessException(Kind kind, String signal, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.signal = signal;
    }

    public Kind kind() { return kind; }

    /** The signal concerned (with an index for an array element, e.g. {@code stateSiblings[3]}), or null. */
    public String signal() { return signal; }
}
