package org.ppfarm.privacypool.eth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Golden vectors: Keccak-256 (Ethereum's), BIP-32 keys of the standard test mnemonic (as viem derives them), ABI words. */
class EthTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void keccakIsEthereumsNotSha3() {
        assertEquals("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", HEX.formatHex(Keccak.keccak256(new byte[0])));
        assertEquals("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
                HEX.formatHex(Keccak.keccak256("abc".getBytes())));
    }

    @Test
    void bip32KeysOfTheTestMnemonicMatchViem() {
        String m = "test test test test test test test test test test test junk";
        // viem mnemonicToAccount(m, {accountIndex: 0 | 1}).getHdKey().privateKey
        assertEquals("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", HEX.formatHex(HdKeys.ethereumPrivateKey(m, 0)));
        assertEquals("7797c0f3db8b946604ec2039dfd9763e4ffdc53174342a2ed9b14fa3eda666a5", HEX.formatHex(HdKeys.ethereumPrivateKey(m, 1)));
        assertThrows(IllegalArgumentException.class, () -> HdKeys.ethereumPrivateKey(m, -1));
    }

    @Test
    void abiWordsAndPacking() {
        assertEquals(32, Abi.uint256(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)).length);
        assertThrows(IllegalArgumentException.class, () -> Abi.uint256(BigInteger.ONE.shiftLeft(256)));
        assertThrows(IllegalArgumentException.class, () -> Abi.uint256(BigInteger.ONE.negate()));
        Address a = Address.parse("0x00000000000000000000000000000000000000aa");
        byte[] packed = Abi.packed(a, BigInteger.valueOf(1), a);
        assertEquals(72, packed.length);
        assertEquals((byte) 0xaa, packed[19]);
        assertEquals((byte) 1, packed[51]);
        // (address, bytes) tuple + uint256: head 2 words, tuple 3 words, data 2 words for 33 bytes
        assertEquals(32 * 7, Abi.encodeAddressBytesTupleAndUint(a, new byte[33], BigInteger.TEN).length);
    }
}
