package org.ppfarm.privacypool.protocol;

/**
 * A value that is not a canonical BN254 scalar-field element (negative, or not below p): a circuit would reduce it
 * mod p and prove a statement about a different number than the one asked for.
 */
public final class NonCanonicalFieldElementException extends InputRejectedException {
    public NonCanonicalFieldElementException(String field) {
        super(field, "not a canonical BN254 scalar-field element (must be in [0, p))");
    }
}
