pragma circom 2.0.0;

// Many public signals: 20 public inputs and 2 outputs, i.e. 22 public signals in the order
// [sum, prod, in[0], ..., in[19]] (circom puts outputs first). sum = sum(in[i] * k), prod = prod(in[i]).
template ManyPublic(n) {
    signal input in[n];
    signal input k;
    signal output sum;
    signal output prod;

    signal t[n];
    signal p[n];
    var acc = 0;
    for (var i = 0; i < n; i++) {
        t[i] <== in[i] * k;
        acc += t[i];
    }
    sum <== acc;
    p[0] <== in[0];
    for (var i = 1; i < n; i++) {
        p[i] <== p[i - 1] * in[i];
    }
    prod <== p[n - 1];
}

component main {public [in]} = ManyPublic(20);
