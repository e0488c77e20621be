pragma circom 2.0.0;

include "circomlib/circuits/bitify.circom";

// Checks the witness calculator enforces: a range check (Num2Bits's ===), an assert, and log() output.
template Guarded() {
    signal input x;
    signal input y;
    signal output z;

    component bits = Num2Bits(16);
    bits.in <== x;

    assert(y != 0);
    signal inv;
    inv <-- 1 / y;
    inv * y === 1;
    z <== x * inv;
    log("z", z);
}

component main = Guarded();
