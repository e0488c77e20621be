pragma circom 2.0.0;

// A benchmark circuit of 2^20 constraints that circom compiles quickly: s_{i+1} = s_i² + i, one constraint per
// step, every signal a full-size field element (the hard case for an MSM). 1,048,000 steps and 2 public signals
// fill a 2^20 domain (scripts/bench-bigcircuit.sh ... square_chain). Public signals: [y, x].
template SquareChain(N) {
    signal input x;
    signal output y;
    signal s[N + 1];
    s[0] <== x;
    for (var i = 0; i < N; i++) s[i + 1] <== s[i] * s[i] + i;
    y <== s[N];
}

component main {public [x]} = SquareChain(1048000);
