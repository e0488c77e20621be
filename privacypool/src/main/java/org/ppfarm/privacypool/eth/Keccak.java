package org.ppfarm.privacypool.eth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.ppfarm.prover.bn254.Field;

/** Ethereum's Keccak-256 (the original Keccak padding, not SHA3-256), via BouncyCastle. */
public final class Keccak {
    private Keccak() {}

    public static byte[] keccak256(byte[] data) {
        KeccakDigest d = new KeccakDigest(256);
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** {@code uint256(keccak256(data)) % SNARK_SCALAR_FIELD}: how the contracts turn a hash into a circuit input. */
    public static BigInteger keccak256ModP(byte[] data) {
        return new BigInteger(1, keccak256(data)).mod(Field.FR.modulus());
    }

    /** keccak256 of a string's UTF-8 bytes, reduced mod p (the subset design's "empty"/"allowed"/"blocked" values). */
    public static BigInteger keccak256ModP(String utf8) {
        return keccak256ModP(utf8.getBytes(StandardCharsets.UTF_8));
    }
}
