pragma circom 2.0.0;

// one_public.circom with its inputs renamed: the same constraint over the same witness layout [1, y, v], so
// one_public's zkey proves it, while its wasm is another program (inputs y and v instead of x and w).
template OnePublicRenamed() {
    signal input y;
    signal input v;
    y === v * v;
}

component main {public [y]} = OnePublicRenamed();
