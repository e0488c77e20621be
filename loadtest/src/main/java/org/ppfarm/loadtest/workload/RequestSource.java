package org.ppfarm.loadtest.workload;

import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;

import java.math.BigInteger;
import java.util.List;

/**
 * Where one circuit's requests come from. Request {@code i} of a campaign is a function of the campaign's seed and
 * {@code i} alone, so a rerun with the same seed sends the same requests whatever the thread timing; every request is
 * fresh (new notes, new pool), so no idempotency key or cache can flatter the figures. Thread-safe.
 */
public interface RequestSource {
    /** The circuit as submitted (a bare name: its most recently registered version). */
    String circuit();

    /** The request numbered {@code index}, and the public signals its proof must carry (null: not known in advance). */
    Generated generate(long seed, long index);

    /** The key every returned proof of this circuit is verified against. */
    PreparedVerifyingKey verifyingKey();

    record Generated(SubmitRequest request, List<BigInteger> expectedPublic) {}

    /** A generator of request {@code index}'s randomness: independent streams per (seed, index). */
    static java.util.Random random(long seed, long index) {
        return new java.util.Random(new java.util.SplittableRandom(seed).split().nextLong() ^ (index * 0x9E3779B97F4A7C15L));
    }
}
