pragma circom 2.0.0;

// A constraint count just below a power of two: 1021 multiplications y = x * w^1021, 2 public signals (y, x).
// snarkjs's domain must hold nConstraints + nPublic + 1 = 1021 + 2 + 1 = 1024 rows: exactly 2^10, full.
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

component main {public [x]} = Chain(1021);
