package org.ppfarm.privacypool.subset;

import java.math.BigInteger;
import org.ppfarm.privacypool.eth.Abi;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.eth.Keccak;

/**
 * The constants and public metadata of the subset design (seeds 002/004), all keccak256 mod p:
 * <pre>
 *   EMPTY   = keccak256("empty")    zero leaf of the deposit tree
 *   ALLOWED = keccak256("allowed")  the value a withdrawal proves at its index in the list tree; block-list default
 *   BLOCKED = keccak256("blocked")  allow-list default; what a block list sets
 *   assetMetadata    A = keccak256(abi.encode(token, denomination)) mod p
 *   withdrawMetadata W = keccak256(abi.encode(recipient, relayer, fee)) mod p
 * </pre>
 * (The seeds write A = κ(token, denomination) and W = κ(recipient, relayer, fee) without fixing the encoding; ppfarm
 * uses {@code abi.encode}, which a Solidity pool reproduces with one line.)
 */
public final class SubsetValues {
    private SubsetValues() {}

    public static final BigInteger EMPTY = Keccak.keccak256ModP("empty");
    public static final BigInteger ALLOWED = Keccak.keccak256ModP("allowed");
    public static final BigInteger BLOCKED = Keccak.keccak256ModP("blocked");

    /** Depth of the deposit and list trees of the subset circuit (2^20 deposits). */
    public static final int DEPTH = 20;

    public static BigInteger assetMetadata(Address token, BigInteger denomination) {
        return Keccak.keccak256ModP(Abi.encode(token, denomination));
    }

    public static BigInteger withdrawMetadata(Address recipient, Address relayer, BigInteger fee) {
        return Keccak.keccak256ModP(Abi.encode(recipient, relayer, fee));
    }
}
