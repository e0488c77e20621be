package org.ppfarm.privacypool.protocol;

/** The note's commitment (from value, label, nullifier, secret) is not a leaf of the given state tree. */
public final class CommitmentNotInStateTreeException extends InputRejectedException {
    public CommitmentNotInStateTreeException(int stateSize) {
        super("note", "its commitment is not among the " + stateSize + " state tree leaves"
                + " (wrong value, label, nullifier or secret, or a stale tree)");
    }
}
