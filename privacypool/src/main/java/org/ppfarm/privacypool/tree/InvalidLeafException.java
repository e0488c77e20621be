package org.ppfarm.privacypool.tree;

import org.ppfarm.prover.PpfarmException;

/**
 * A leaf a tree refuses: zero (the Lean IMT reads a zero sibling as "no sibling", so the contracts revert on it) or
 * not a canonical BN254 scalar-field element. The message names the leaf's position, never its value's secrets.
 */
public final class InvalidLeafException extends PpfarmException {
    public InvalidLeafException(String message) { super(message); }
}
