pragma circom 2.0.0;

// A constraint count just above a power of two: 1022 multiplications y = x * w^1022, 2 public signals (y, x).
// snarkjs's domain must hold nConstraints + nPublic + 1 = 1022 + 2 + 1 = 1025 rows: one past 2^10, so 2^11.
template Chain(n) {
    signal input x;
    signal input w;
    signal output y;
    signal s[n];
    s[0] <== x * w;
    for (var i = 1; i < n; i++) {
        s[i] <== s[i - 1] * w;
    }
    y <== s[n - 1];
}

component main {public [x]} = Chain(1022);
