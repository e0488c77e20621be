pragma circom 2.0.0;

include "circomlib/circuits/poseidon.circom";

// circomlib Poseidon at the widths the 0xbow circuits use: h1 = Poseidon(a) (nullifier hash),
// h2 = Poseidon(a, b) (precommitment, Lean IMT node), h3 = Poseidon(c, b, h2) (commitment).
// Public signals: [h1, h2, h3, c].
template PoseidonHashes() {
    signal input a;
    signal input b;
    signal input c;
    signal output h1;
    signal output h2;
    signal output h3;

    component p1 = Poseidon(1);
    p1.inputs[0] <== a;
    h1 <== p1.out;

    component p2 = Poseidon(2);
    p2.inputs[0] <== a;
    p2.inputs[1] <== b;
    h2 <== p2.out;

    component p3 = Poseidon(3);
    p3.inputs[0] <== c;
    p3.inputs[1] <== b;
    p3.inputs[2] <== h2;
    h3 <== p3.out;
}

component main {public [c]} = PoseidonHashes();
