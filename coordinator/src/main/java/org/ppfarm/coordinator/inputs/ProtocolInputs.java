package org.ppfarm.coordinator.inputs;

/**
 * Builds circuit inputs from a privacy-pool request (withdraw or ragequit), refusing an impossible one with a named
 * error; {@link PoolProtocolInputs} is the privacypool module's.
 */
public interface ProtocolInputs {
    byte[] withdraw(byte[] requestJson) throws InvalidInputException;
    byte[] ragequit(byte[] requestJson) throws InvalidInputException;
}
