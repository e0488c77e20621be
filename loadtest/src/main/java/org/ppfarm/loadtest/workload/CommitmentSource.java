package org.ppfarm.loadtest.workload;

import org.ppfarm.privacypool.protocol.PoolProtocol;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/**
 * The commitment (ragequit) circuit with circuit-input JSON: a fresh note per request (a value below 2^64, a random
 * label, nullifier and secret), whose public signals [commitment, nullifierHash, value, label] are computed here to
 * check the proof's.
 */
public record CommitmentSource(PreparedVerifyingKey verifyingKey) implements RequestSource {
    @Override public String circuit() { return "commitment"; }

    @Override
    public Generated generate(long seed, long index) {
        Random random = RequestSource.random(seed, index);
        BigInteger value = new BigInteger(64, random).add(BigInteger.ONE), label = PoolSimulation.field(random);
        BigInteger nullifier = PoolSimulation.field(random), secret = PoolSimulation.field(random);
        List<BigInteger> expected = List.of(PoolProtocol.commitment(value, label, PoolProtocol.precommitment(nullifier, secret)),
                PoolProtocol.nullifierHash(nullifier), value, label);
        SubmitRequest r = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit()))
                .setInputJson("{\"value\":\"" + value + "\",\"label\":\"" + label + "\",\"nullifier\":\"" + nullifier
                        + "\",\"secret\":\"" + secret + "\"}").build();
        return new Generated(r, expected);
    }
}
