pragma circom 2.0.0;

// Needs ~0.8 MB of wasm stack at run time (a function's array lives on circom's stack), more than the 10 pages
// circom reserves, so the instance must grow its memory: a test of the per-computation memory bound.
function spread(x) {
    var acc[20000];
    for (var i = 0; i < 20000; i++) {
        acc[i] = x + i;
    }
    return acc[19999];
}

template Spread() {
    signal input x;
    signal output y;
    y <-- spread(x);
    y === x + 19999;
}

component main = Spread();
