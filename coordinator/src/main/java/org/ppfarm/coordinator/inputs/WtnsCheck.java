package org.ppfarm.coordinator.inputs;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks a submitted .wtns before it is enqueued: the snarkjs layout (magic "wtns", version 2, a header section
 * giving the field size, the prime and the signal count, then the values) over BN254's scalar field, with exactly as
 * many values as the header declares, each below r. The worker's engine checks the count against the zkey.
 */
public final class WtnsCheck {
    private WtnsCheck() {}

    /** Returns the number of witness values. */
    public static int check(byte[] w) throws InvalidInputException {
        ByteBuffer b = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (w.length < 12 || b.getInt(0) != 0x736e7477) throw new InvalidInputException("wtns: not a .wtns file (magic)");
            if (b.getInt(4) != 2) throw new InvalidInputException("wtns: version " + b.getInt(4) + ", expected 2");
            int sections = b.getInt(8);
            long pos = 12;
            int n8 = -1, nWitness = -1;
            for (int i = 0; i < sections; i++) {
                int id = b.getInt((int) pos);
                long len = b.getLong((int) pos + 4);
                long body = pos + 12;
                if (body + len > w.length) throw new InvalidInputException("wtns: section " + id + " runs past the end of the file");
                if (id == 1) {
                    n8 = b.getInt((int) body);
                    if (n8 != 32) throw new InvalidInputException("wtns: field element size " + n8 + " bytes, expected 32 (BN254)");
                    if (!le(w, (int) body + 4, 32).equals(InputValidator.R))
                        throw new InvalidInputException("wtns: prime is not the BN254 scalar field modulus r");
                    nWitness = b.getInt((int) body + 36);
                } else if (id == 2) {
                    if (n8 < 0) throw new InvalidInputException("wtns: values section before the header section");
                    if (len != (long) nWitness * n8)
                        throw new InvalidInputException("wtns: values section holds " + len / n8 + " values, header declares " + nWitness);
                    for (int k = 0; k < nWitness; k++)
                        if (le(w, (int) body + k * 32, 32).compareTo(InputValidator.R) >= 0)
                            throw new InvalidInputException("wtns: value " + k + " is ≥ r");
                    return nWitness;
                }
                pos = body + len;
            }
            throw new InvalidInputException("wtns: no values section");
        } catch (IndexOutOfBoundsException e) {
            throw new InvalidInputException("wtns: truncated file");
        }
    }

    private static BigInteger le(byte[] w, int off, int len) {
        byte[] be = new byte[len + 1];
        for (int i = 0; i < len; i++) be[len - i] = w[off + i];
        return new BigInteger(be);
    }
}
