package org.ppfarm.prover.groth16;

import org.ppfarm.prover.PpfarmException;

/**
 * Inputs to a verification that do not fit together — e.g. a number of public signals other than the key's
 * nPublic. Distinct from an invalid proof, which is simply {@code false}. The message names the field.
 */
public final class VerificationException extends PpfarmException {
    private final String field;

    public VerificationException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The input at fault, e.g. "public signals". */
    public String field() { return field; }
}
