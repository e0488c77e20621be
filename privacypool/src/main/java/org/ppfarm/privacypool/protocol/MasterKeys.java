package org.ppfarm.privacypool.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import org.ppfarm.privacypool.eth.HdKeys;
import org.ppfarm.privacypool.hash.Poseidon;
import org.ppfarm.prover.bn254.Field;

/**
 * A 0xbow account's master keys, from which the SDK derives every note's secrets deterministically (so an account is
 * recoverable from its mnemonic):
 * <pre>
 *   masterNullifier = Poseidon(k0), masterSecret = Poseidon(k1)   (k_i: BIP-32 key at m/44'/60'/i'/0/0, mod p)
 *   deposit i of a pool:     nullifier = Poseidon(masterNullifier, scope, i), secret = Poseidon(masterSecret, scope, i)
 *   withdrawal i of a label: nullifier = Poseidon(masterNullifier, label, i), secret = Poseidon(masterSecret, label, i)
 * </pre>
 * Held as Montgomery limbs and wiped by {@link #close()}. Not thread-safe.
 */
public final class MasterKeys implements AutoCloseable {
    private static final Field FR = Field.FR;
    /** masterNullifier at 0, masterSecret at 4. */
    private final long[] limbs = new long[8];
    private boolean closed;

    private MasterKeys() {}

    /** Master keys given directly (the SDK's {@code MasterKeys} object). */
    public static MasterKeys of(BigInteger masterNullifier, BigInteger masterSecret) {
        FieldValues.nonZero("masterKeys.masterNullifier", masterNullifier);
        FieldValues.nonZero("masterKeys.masterSecret", masterSecret);
        MasterKeys k = new MasterKeys();
        FR.fromBigInteger(masterNullifier, k.limbs, 0);
        FR.fromBigInteger(masterSecret, k.limbs, 4);
        return k;
    }

    /**
     * The SDK's {@code generateMasterKeys(mnemonic)} (1.0.2): the BIP-32 keys of accounts 0 and 1, each hashed with
     * Poseidon(1), so that an account the SDK created is recovered here from the same mnemonic.
     *
     * <p>Two quirks are reproduced on purpose. The SDK turns each 32-byte key into a JavaScript {@code Number}
     * ({@code bytesToNumber}, a float64) before {@code BigInt(...)}: only the top 53 significant bits survive,
     * rounded to nearest-even — the master keys carry about 53 bits of the key's entropy (a weakness of the SDK,
     * reported). And the keys are secp256k1 scalars that may exceed p; Poseidon reads them mod p as the SDK's does.
     */
    public static MasterKeys fromMnemonic(String mnemonic) {
        if (mnemonic == null || mnemonic.isBlank()) throw new IllegalArgumentException("mnemonic: required");
        MasterKeys k = new MasterKeys();
        long[] in = new long[4];
        Poseidon h = Poseidon.of(1);
        long[] scratch = h.newScratch();
        for (int account = 0; account < 2; account++) {
            byte[] key = HdKeys.ethereumPrivateKey(mnemonic, account);
            // BigInteger.doubleValue rounds to nearest-even, exactly as JavaScript's Number(bigint)
            BigInteger asSdk = new BigDecimal(new BigInteger(1, key).doubleValue()).toBigIntegerExact();
            FR.fromBigInteger(asSdk, in, 0);
            Arrays.fill(key, (byte) 0);
            h.hash(in, 0, k.limbs, 4 * account, scratch);
        }
        Arrays.fill(in, 0);
        Arrays.fill(scratch, 0);
        return k;
    }

    /** The SDK's {@code generateDepositSecrets(keys, scope, index)}. */
    public NoteSecrets depositSecrets(BigInteger scope, BigInteger index) {
        return derive(FieldValues.canonical("scope", scope), FieldValues.canonical("index", index));
    }

    /** The SDK's {@code generateWithdrawalSecrets(keys, label, index)}. */
    public NoteSecrets withdrawalSecrets(BigInteger label, BigInteger index) {
        return derive(FieldValues.canonical("label", label), FieldValues.canonical("index", index));
    }

    public BigInteger masterNullifier() { return FR.toBigInteger(live(), 0); }

    public BigInteger masterSecret() { return FR.toBigInteger(live(), 4); }

    @Override public void close() {
        Arrays.fill(limbs, 0);
        closed = true;
    }

    @Override public String toString() { return closed ? "MasterKeys[wiped]" : "MasterKeys[redacted]"; }

    private NoteSecrets derive(BigInteger domain, BigInteger index) {
        Poseidon h = Poseidon.of(3);
        long[] in = new long[12], out = new long[8], scratch = h.newScratch();
        FR.fromBigInteger(domain, in, 4);
        FR.fromBigInteger(index, in, 8);
        for (int k = 0; k < 2; k++) {
            Field.copy(live(), 4 * k, in, 0);
            h.hash(in, 0, out, 4 * k, scratch);
        }
        try {
            return NoteSecrets.ofMontgomery(out, "derived nullifier", "derived secret");
        } finally {
            Arrays.fill(in, 0);
            Arrays.fill(out, 0);
            Arrays.fill(scratch, 0);
        }
    }

    private long[] live() {
        if (closed) throw new IllegalStateException("master keys were wiped");
        return limbs;
    }
}
