package org.ppfarm.prover.groth16;

/** What a proof run yields: the proof and the public signals it proves (witness entries 1..nPublic). */
public record ProofResult(Proof proof, PublicSignals publicSignals) {}
