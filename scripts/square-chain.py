#!/usr/bin/env python3
"""Writes the r1cs and a witness of bench/src/test/circom/square_chain.circom's SquareChain(N) directly, as circom2
--O2 writes them (byte for byte: checked against circom's output at N = 65,000), for sizes where circom2 from npm
takes too long (docs/benchmarks.md, issue 18 deliverable 3: at N = 1,048,000 it had not finished after 15 minutes of
CPU on the 2-core machine). To repeat the check: compile SquareChain(65000) with circom2 --O2 (cli's DevSetupCliTest
caches it under ~/.cache/ppfarm/circom/square_chain-*), run this with N = 65000, and cmp the r1cs, and the .wtns
against `snarkjs wtns calculate` of that wasm on {"x": "3"}.

    square-chain.py N OUT_DIR [x]     -> OUT_DIR/square_chain.r1cs, OUT_DIR/square_chain.wtns (input x, default 3)

The circuit: s[0] = x, s[i+1] = s[i]^2 + i, y = s[N]; x public input, y public output. After circom's linear
simplification the wires are 1, y, x, s[1..N-1] (labels 0, 1, 2, 4..N+2) and constraint i is
(-s[i]) * (s[i]) = i - s[i+1] in circom's A*B - C form: A = [-s_i], B = [s_i], C = [i*1 (when i > 0), -s_{i+1}]."""
import os, struct, sys

P = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def fe(v):
    return (v % P).to_bytes(32, 'little')


def wire(i, n):  # wire of s[i]
    return 2 if i == 0 else (1 if i == n else i + 2)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit('usage: square-chain.py N OUT_DIR [x]')
    n, out = int(sys.argv[1]), sys.argv[2]
    x = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    if n < 2:
        sys.exit('square-chain.py: N must be at least 2')
    os.makedirs(out, exist_ok=True)
    minus1, one = fe(-1), fe(1)
    cons = bytearray()
    for i in range(n):
        a, b = wire(i, n), wire(i + 1, n)
        cons += struct.pack('<II', 1, a) + minus1 + struct.pack('<II', 1, a) + one
        if i == 0:
            cons += struct.pack('<II', 1, b) + minus1
        else:  # terms sorted by wire: the constant (wire 0) first
            cons += struct.pack('<II', 2, 0) + fe(i) + struct.pack('<I', b) + minus1
    n_wires, n_labels = n + 2, n + 4
    header = struct.pack('<I', 32) + P.to_bytes(32, 'little') + struct.pack('<IIIIQI', n_wires, 1, 1, 0, n_labels, n)
    labels = struct.pack('<3Q', 0, 1, 2) + b''.join(struct.pack('<Q', w + 1) for w in range(3, n_wires))
    with open(os.path.join(out, 'square_chain.r1cs'), 'wb') as f:
        f.write(b'r1cs' + struct.pack('<II', 1, 3))
        for t, body in ((2, cons), (1, header), (3, labels)):
            f.write(struct.pack('<IQ', t, len(body)))
            f.write(body)
    s = [x % P]
    for i in range(n):
        s.append((s[i] * s[i] + i) % P)
    values = [1, s[n], s[0]] + s[1:n]
    with open(os.path.join(out, 'square_chain.wtns'), 'wb') as f:
        f.write(b'wtns' + struct.pack('<II', 2, 2))
        f.write(struct.pack('<IQ', 1, 40) + struct.pack('<I', 32) + P.to_bytes(32, 'little') + struct.pack('<I', len(values)))
        f.write(struct.pack('<IQ', 2, 32 * len(values)))
        f.write(b''.join(fe(v) for v in values))


main()
