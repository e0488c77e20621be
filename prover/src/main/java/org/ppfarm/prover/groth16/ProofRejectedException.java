package org.ppfarm.prover.groth16;

import org.ppfarm.prover.PpfarmException;

/** A freshly made proof failed verification against its own key: the witness (or key) was bad; the proof is withheld. */
public final class ProofRejectedException extends PpfarmException {
    public ProofRejectedException(String message) { super(message); }
}
