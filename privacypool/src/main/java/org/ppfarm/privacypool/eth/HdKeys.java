package org.ppfarm.privacypool.eth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BIP-39 seed and BIP-32 secp256k1 private-key derivation along Ethereum's path {@code m/44'/60'/account'/0/0}: what
 * viem's {@code mnemonicToAccount(mnemonic, {accountIndex}).getHdKey().privateKey} returns, from which the 0xbow SDK
 * derives its master keys. The mnemonic's words are not checked against a wordlist (neither does the SDK): the seed
 * is PBKDF2 of the NFKD-normalized text. Intermediate key material is wiped before returning.
 */
public final class HdKeys {
    private HdKeys() {}

    private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
    private static final int HARDENED = 0x80000000;

    /** The 32-byte private key at {@code m/44'/60'/account'/0/0}. The caller wipes the result after use. */
    public static byte[] ethereumPrivateKey(String mnemonic, int account) {
        if (account < 0) throw new IllegalArgumentException("account index must be non-negative");
        byte[] seed = bip39Seed(mnemonic, "");
        try {
            return derive(seed, new int[] {44 | HARDENED, 60 | HARDENED, account | HARDENED, 0, 0});
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** BIP-39: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" + NFKD(passphrase), 2048 rounds), 64 bytes. */
    public static byte[] bip39Seed(String mnemonic, String passphrase) {
        byte[] password = Normalizer.normalize(mnemonic, Normalizer.Form.NFKD).getBytes(StandardCharsets.UTF_8);
        byte[] salt = ("mnemonic" + Normalizer.normalize(passphrase, Normalizer.Form.NFKD)).getBytes(StandardCharsets.UTF_8);
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA512Digest());
        gen.init(password, salt, 2048);
        byte[] seed = ((KeyParameter) gen.generateDerivedParameters(512)).getKey();
        Arrays.fill(password, (byte) 0);
        return seed;
    }

    /** BIP-32 CKDpriv along {@code path} from the master key of {@code seed}. */
    static byte[] derive(byte[] seed, int[] path) {
        byte[] i = hmacSha512("Bitcoin seed".getBytes(StandardCharsets.US_ASCII), seed);
        byte[] key = Arrays.copyOfRange(i, 0, 32), chain = Arrays.copyOfRange(i, 32, 64);
        Arrays.fill(i, (byte) 0);
        BigInteger n = SECP256K1.getN();
        for (int index : path) {
            byte[] data = new byte[37];
            if ((index & HARDENED) != 0) {
                System.arraycopy(key, 0, data, 1, 32);            // 0x00 || k
            } else {
                byte[] pub = SECP256K1.getG().multiply(new BigInteger(1, key)).normalize().getEncoded(true);
                System.arraycopy(pub, 0, data, 0, 33);            // compressed K
            }
            data[33] = (byte) (index >>> 24);
            data[34] = (byte) (index >>> 16);
            data[35] = (byte) (index >>> 8);
            data[36] = (byte) index;
            byte[] out = hmacSha512(chain, data);
            Arrays.fill(data, (byte) 0);
            BigInteger il = new BigInteger(1, Arrays.copyOfRange(out, 0, 32));
            BigInteger child = il.add(new BigInteger(1, key)).mod(n);
            if (il.compareTo(n) >= 0 || child.signum() == 0)
                throw new IllegalStateException("BIP-32: invalid child key (probability 2^-127); use the next index");
            Arrays.fill(key, (byte) 0);
            Arrays.fill(chain, (byte) 0);
            key = Abi.uint256(child);
            chain = Arrays.copyOfRange(out, 32, 64);
            Arrays.fill(out, (byte) 0);
        }
        Arrays.fill(chain, (byte) 0);
        return key;
    }

    private static byte[] hmacSha512(byte[] key, byte[] data) {
        HMac mac = new HMac(new SHA512Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[64];
        mac.doFinal(out, 0);
        return out;
    }
}
