package org.ppfarm.privacypool.protocol;

import org.ppfarm.prover.PpfarmException;

/**
 * Why a requested proof's inputs were refused before any prover ran. Each subclass is one named reason; the message
 * is one line {@code "<field>: <problem>"} and never contains a secret's value. The farm maps all of them to
 * INVALID_ARGUMENT (the request can never succeed as given).
 */
public abstract sealed class InputRejectedException extends PpfarmException
        permits NonCanonicalFieldElementException, ZeroValueException, ValueOutOfRangeException,
                CommitmentNotInStateTreeException, LabelNotInAspTreeException, InvalidWithdrawnValueException,
                NullifierReuseException {
    private final String field;

    protected InputRejectedException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The request field the problem is in, e.g. {@code note.nullifier} or {@code withdrawnValue}. */
    public String field() { return field; }
}
