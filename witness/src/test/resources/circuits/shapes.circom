pragma circom 2.0.0;

// Inputs of every shape snarkjs flattens: a scalar, a vector, a matrix (given nested or flat).
template Shapes(n, m) {
    signal input a;
    signal input v[n];
    signal input grid[m][n];
    signal output dot;
    signal output rows[m];

    signal prod[n];
    var acc = 0;
    for (var i = 0; i < n; i++) {
        prod[i] <== v[i] * a;
        acc += prod[i];
    }
    dot <== acc;

    signal cell[m][n];
    for (var r = 0; r < m; r++) {
        var row = 0;
        for (var i = 0; i < n; i++) {
            cell[r][i] <== grid[r][i] * v[i];
            row += cell[r][i];
        }
        rows[r] <== row + r;
    }
}

component main {public [a]} = Shapes(3, 2);
