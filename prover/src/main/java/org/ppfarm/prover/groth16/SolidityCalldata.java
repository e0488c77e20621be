package org.ppfarm.prover.groth16;

import java.math.BigInteger;

/**
 * The argument list a Solidity Groth16 verifier (and the 0xbow Entrypoint) takes, exactly as
 * {@code snarkjs zkey export soliditycalldata public.json proof.json} prints it:
 * {@code [a0, a1],[[b0.c1, b0.c0],[b1.c1, b1.c0]],[c0, c1],[s0,s1,...]} with every number as a quoted,
 * 0x-prefixed, 64-digit hex string. B's Fq2 coordinates are swapped (c1 first) because the EVM's pairing
 * precompile (EIP-197) takes them in that order.
 */
public final class SolidityCalldata {
    private SolidityCalldata() {}

    /** The calldata line, without the newline snarkjs's console.log adds. */
    public static String format(Proof proof, PublicSignals publicSignals) {
        BigInteger[] a = Points.g1Object(proof.aRef(), 0), c = Points.g1Object(proof.cRef(), 0);
        BigInteger[][] b = Points.g2Object(proof.bRef(), 0);
        StringBuilder sb = new StringBuilder(1024);
        sb.append('[').append(p256(a[0])).append(", ").append(p256(a[1])).append("],");
        sb.append("[[").append(p256(b[0][1])).append(", ").append(p256(b[0][0])).append("],[")
                .append(p256(b[1][1])).append(", ").append(p256(b[1][0])).append("]],");
        sb.append('[').append(p256(c[0])).append(", ").append(p256(c[1])).append("],");
        sb.append('[');
        for (int i = 0; i < publicSignals.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(p256(publicSignals.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String p256(BigInteger n) {
        String hex = n.toString(16);
        return "\"0x" + "0".repeat(Math.max(0, 64 - hex.length())) + hex + "\"";
    }
}
