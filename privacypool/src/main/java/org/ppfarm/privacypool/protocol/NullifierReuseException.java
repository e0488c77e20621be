package org.ppfarm.privacypool.protocol;

/**
 * The change note's nullifier equals the spent note's: the circuit forbids it (the change note could never be spent,
 * its nullifier hash being already used).
 */
public final class NullifierReuseException extends InputRejectedException {
    public NullifierReuseException() {
        super("newNullifier", "equals the note's nullifier; the change note needs a fresh one");
    }
}
