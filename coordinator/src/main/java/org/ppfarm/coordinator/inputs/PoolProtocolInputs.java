package org.ppfarm.coordinator.inputs;

import org.ppfarm.coordinator.inputs.InvalidInputException;
import org.ppfarm.privacypool.request.PoolInputs;
import org.ppfarm.prover.PpfarmException;

import java.nio.charset.StandardCharsets;

/**
 * Privacy-pool requests (module privacypool) turned into circuit inputs on the coordinator, so an impossible
 * withdrawal — a note not in the state tree, a label the ASP has not approved, a withdrawn value above the note's,
 * a reused nullifier — is refused with its named error before any prover is spent on it.
 */
public final class PoolProtocolInputs implements ProtocolInputs {
    public static final PoolProtocolInputs INSTANCE = new PoolProtocolInputs();

    private PoolProtocolInputs() {}

    @Override
    public byte[] withdraw(byte[] requestJson) throws InvalidInputException {
        try {
            return PoolInputs.withdrawInputJson(new String(requestJson, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        } catch (PpfarmException e) {
            throw new InvalidInputException("withdraw request: " + e.getMessage());
        }
    }

    @Override
    public byte[] ragequit(byte[] requestJson) throws InvalidInputException {
        try {
            return PoolInputs.ragequitInputJson(new String(requestJson, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        } catch (PpfarmException e) {
            throw new InvalidInputException("ragequit request: " + e.getMessage());
        }
    }
}
