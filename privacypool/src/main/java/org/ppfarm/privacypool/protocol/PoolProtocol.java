package org.ppfarm.privacypool.protocol;

import java.math.BigInteger;
import org.ppfarm.privacypool.eth.Abi;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.eth.Keccak;
import org.ppfarm.privacypool.hash.Poseidon;

/**
 * The 0xbow Privacy Pools hashes, as the deployed contracts (PrivacyPool.sol) and the SDK compute them:
 * <pre>
 *   scope          = keccak256(abi.encodePacked(pool, chainId, asset)) mod p          (per pool, set at deployment)
 *   label          = keccak256(abi.encodePacked(scope, nonce)) mod p                  (per deposit, nonce = 1, 2, ...)
 *   context        = keccak256(abi.encode(Withdrawal{processooor, data}, scope)) mod p (binds a proof to its use)
 *   nullifierHash  = Poseidon(nullifier)                      (public when spent)
 *   precommitment  = Poseidon(nullifier, secret)              (what a depositor sends)
 *   commitment     = Poseidon(value, label, precommitment)    (the state tree leaf)
 * </pre>
 * p is the BN254 scalar field. (The SDK's {@code getCommitment(...).nullifierHash} is the precommitment; the
 * circuits' nullifierHash is Poseidon(nullifier), which is the one here.)
 */
public final class PoolProtocol {
    private PoolProtocol() {}

    public static BigInteger scope(Address pool, BigInteger chainId, Address asset) {
        return Keccak.keccak256ModP(Abi.packed(pool, chainId, asset));
    }

    public static BigInteger label(BigInteger scope, BigInteger nonce) {
        return Keccak.keccak256ModP(Abi.packed(scope, nonce));
    }

    public static BigInteger context(Withdrawal withdrawal, BigInteger scope) {
        return Keccak.keccak256ModP(Abi.encodeAddressBytesTupleAndUint(withdrawal.processooor(), withdrawal.data(), scope));
    }

    public static BigInteger nullifierHash(BigInteger nullifier) {
        return Poseidon.of(1).hash(nullifier);
    }

    public static BigInteger precommitment(BigInteger nullifier, BigInteger secret) {
        return Poseidon.of(2).hash(nullifier, secret);
    }

    public static BigInteger commitment(BigInteger value, BigInteger label, BigInteger precommitment) {
        return Poseidon.of(3).hash(value, label, precommitment);
    }
}
