package org.ppfarm.coordinator.inputs;

/** A job input the farm refuses before enqueueing it; the message names the signal or field. Maps to INVALID_ARGUMENT. */
public final class InvalidInputException extends Exception {
    public InvalidInputException(String message) { super(message, null, false, false); }
}
