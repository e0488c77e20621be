package org.ppfarm.privacypool.protocol;

/** A withdrawn value that is zero or larger than the note's value. */
public final class InvalidWithdrawnValueException extends InputRejectedException {
    public InvalidWithdrawnValueException(String problem) {
        super("withdrawnValue", problem);
    }
}
