pragma circom 2.0.0;

// A failing-assertion path for bad-input tests: c must equal a * b. Inputs that violate it make circom's
// witness calculator stop with "Assert Failed" naming this template and line, and no witness exists.
// Public signals: [d, c] with d = c * a.
template AssertMul() {
    signal input a;
    signal input b;
    signal input c;
    signal output d;
    a * b === c;
    d <== c * a;
}

component main {public [c]} = AssertMul();
