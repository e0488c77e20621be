package org.ppfarm.loadtest.workload;

import com.google.protobuf.ByteString;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;

import java.util.Arrays;

/**
 * Withdrawals as privacy-pool requests ({@code withdraw_request_json}): each from a freshly simulated pool of
 * {@link #DEPOSITS} deposits ({@link PoolSimulation}), so the farm builds the trees and circuit inputs itself as it
 * would for a relayer.
 */
public record WithdrawSource(PreparedVerifyingKey verifyingKey) implements RequestSource {
    /** Deposits per simulated pool: a few, so building the request costs the tool little. */
    public static final int DEPOSITS = 8;

    @Override public String circuit() { return "withdraw"; }

    @Override
    public Generated generate(long seed, long index) {
        PoolSimulation.Withdrawal w = PoolSimulation.withdrawal(RequestSource.random(seed, index), DEPOSITS);
        try {
            SubmitRequest r = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit()))
                    .setWithdrawRequestJsonBytes(ByteString.copyFrom(w.request())).build();
            return new Generated(r, w.publicSignals());
        } finally {
            Arrays.fill(w.request(), (byte) 0);
        }
    }
}
