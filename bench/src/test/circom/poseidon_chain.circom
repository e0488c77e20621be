pragma circom 2.0.0;

include "circomlib/circuits/poseidon.circom";

// A benchmark circuit of a chosen size: a chain of N circomlib Poseidon(2) hashes, h_0 = seed,
// h_{i+1} = Poseidon(h_i, i). Every signal is a full-size field element (no bits, no small values), the hard case
// for an MSM. Compiled with --O2, one link is 237 constraints (N = 64: 15,168): N = 4400 gives 1,042,800, a 2^20
// domain (scripts/bench-bigcircuit.sh ... poseidon_chain). Public signals: [out, seed].
template PoseidonChain(N) {
    signal input seed;
    signal output out;
    signal h[N + 1];
    component p[N];
    h[0] <== seed;
    for (var i = 0; i < N; i++) {
        p[i] = Poseidon(2);
        p[i].inputs[0] <== h[i];
        p[i].inputs[1] <== i;
        h[i + 1] <== p[i].out;
    }
    out <== h[N];
}

component main {public [seed]} = PoseidonChain(4400);
