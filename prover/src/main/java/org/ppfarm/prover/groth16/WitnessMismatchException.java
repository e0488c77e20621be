package org.ppfarm.prover.groth16;

import org.ppfarm.prover.PpfarmException;

/** A witness that does not belong to the proving key (wrong signal count, or signal 0 not the constant 1). */
public final class WitnessMismatchException extends PpfarmException {
    public WitnessMismatchException(String message) { super(message); }
}
