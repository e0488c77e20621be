pragma circom 2.0.0;

// A computation as long as its input says: n rounds of a field multiply-add loop in a function (a wasm loop that
// calls circom's Fr_mul and Fr_add), for the interruption test; small n checks the loop's witness against snarkjs.
function spin(x, n) {
    var acc = x;
    for (var i = 0; i < n; i++) {
        acc = acc * acc + i;
    }
    return acc;
}

template Spin() {
    signal input x;
    signal input n;
    signal output y;
    y <-- spin(x, n);
}

component main = Spin();
