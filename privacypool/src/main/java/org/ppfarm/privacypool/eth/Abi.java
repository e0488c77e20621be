package org.ppfarm.privacypool.eth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * The two Solidity ABI encodings the 0xbow contracts hash: {@code abi.encodePacked} (values concatenated at their
 * natural width: address 20 bytes, uint256 32 bytes) and {@code abi.encode} (32-byte words, dynamic values after a
 * head of offsets), for the value types they use.
 */
public final class Abi {
    private Abi() {}

    private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

    /** A uint256 as one 32-byte big-endian word. */
    public static byte[] uint256(BigInteger v) {
        if (v.signum() < 0 || v.compareTo(UINT256_LIMIT) >= 0) throw new IllegalArgumentException("not a uint256: " + v);
        byte[] raw = v.toByteArray();
        byte[] w = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, w, 32 - n, n);
        return w;
    }

    /** An address left-padded to a word (its {@code abi.encode} form). */
    public static byte[] addressWord(Address a) {
        byte[] w = new byte[32];
        System.arraycopy(a.bytes(), 0, w, 12, 20);
        return w;
    }

    /** {@code abi.encodePacked(address, uint256, address)}: 20 + 32 + 20 bytes. */
    public static byte[] packed(Address a, BigInteger x, Address b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(72);
        o.writeBytes(a.bytes());
        o.writeBytes(uint256(x));
        o.writeBytes(b.bytes());
        return o.toByteArray();
    }

    /** {@code abi.encodePacked(uint256, uint256)}: 64 bytes. */
    public static byte[] packed(BigInteger x, BigInteger y) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(64);
        o.writeBytes(uint256(x));
        o.writeBytes(uint256(y));
        return o.toByteArray();
    }

    /**
     * {@code abi.encode((address, bytes) tuple, uint256)}, the encoding of {@code (IPrivacyPool.Withdrawal, scope)}.
     * The tuple is dynamic (it holds {@code bytes}), so the head is [offset of the tuple = 0x40, the uint256] and the
     * tail is the tuple: [address, offset of the bytes within the tuple = 0x40, length, data right-padded to words].
     */
    public static byte[] encodeAddressBytesTupleAndUint(Address address, byte[] data, BigInteger x) {
        int padded = (data.length + 31) / 32 * 32;
        ByteArrayOutputStream o = new ByteArrayOutputStream(32 * 5 + padded);
        o.writeBytes(uint256(BigInteger.valueOf(0x40)));
        o.writeBytes(uint256(x));
        o.writeBytes(addressWord(address));
        o.writeBytes(uint256(BigInteger.valueOf(0x40)));
        o.writeBytes(uint256(BigInteger.valueOf(data.length)));
        o.writeBytes(data);
        o.writeBytes(new byte[padded - data.length]);
        return o.toByteArray();
    }

    /** {@code abi.encode(address, address, uint256)}: three words. */
    public static byte[] encode(Address a, Address b, BigInteger x) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(96);
        o.writeBytes(addressWord(a));
        o.writeBytes(addressWord(b));
        o.writeBytes(uint256(x));
        return o.toByteArray();
    }

    /** {@code abi.encode(address, uint256)}: two words. */
    public static byte[] encode(Address a, BigInteger x) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(64);
        o.writeBytes(addressWord(a));
        o.writeBytes(uint256(x));
        return o.toByteArray();
    }
}
