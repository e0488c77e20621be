package org.ppfarm.privacypool.subset;

import org.ppfarm.prover.PpfarmException;

/**
 * The deposit being withdrawn is excluded by the chosen access list (blocked by a block list, or not on an allow
 * list): no subset proof exists, so the withdrawal is refused before any prover runs.
 */
public final class DepositNotInSubsetException extends PpfarmException {
    private final int index;

    public DepositNotInSubsetException(int index, ListType type) {
        super("deposit " + index + ": " + (type == ListType.BLOCKLIST ? "blocked by this block list" : "not on this allow list")
                + "; choose another list to withdraw against");
        this.index = index;
    }

    /** The deposit's index in the deposit tree. */
    public int index() { return index; }
}
