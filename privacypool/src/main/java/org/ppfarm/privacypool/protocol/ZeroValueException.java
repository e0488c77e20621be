package org.ppfarm.privacypool.protocol;

/**
 * A nullifier, secret or label that is zero: the 0xbow SDK refuses these (a zero secret is public knowledge, and a
 * zero leaf means "empty" to the Lean IMT circuits).
 */
public final class ZeroValueException extends InputRejectedException {
    public ZeroValueException(String field) {
        super(field, "must not be zero");
    }
}
