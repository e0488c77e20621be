package org.ppfarm.privacypool.protocol;

/**
 * An amount outside the withdraw circuit's 128-bit range checks ({@code Num2Bits(128)} on the withdrawn and the
 * remaining value): no witness exists for it.
 */
public final class ValueOutOfRangeException extends InputRejectedException {
    public ValueOutOfRangeException(String field) {
        super(field, "must be below 2^128 (the circuit's range check)");
    }
}
