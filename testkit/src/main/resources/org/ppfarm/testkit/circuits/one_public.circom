pragma circom 2.0.0;

// Exactly one public signal (the input x) and no outputs: the prover knows a square root w of x.
// 1 constraint, nPublic 1, Groth16 domain 2^2.
template OnePublic() {
    signal input x;
    signal input w;
    x === w * w;
}

component main {public [x]} = OnePublic();
