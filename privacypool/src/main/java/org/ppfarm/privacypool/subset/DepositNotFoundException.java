package org.ppfarm.privacypool.subset;

import org.ppfarm.prover.PpfarmException;

/** The note's stamped commitment is not in the deposit tree (wrong secret or asset metadata, or a stale tree). */
public final class DepositNotFoundException extends PpfarmException {
    public DepositNotFoundException(int deposits) {
        super("secret: its stamped commitment is not among the " + deposits + " deposits");
    }
}
