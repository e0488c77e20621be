package org.ppfarm.privacypool.eth;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 20-byte Ethereum address. Parsed from {@code 0x} + 40 hex digits; a mixed-case address must carry a valid EIP-55
 * checksum (as viem and ethers insist), an all-lower or all-upper one is taken as is.
 */
public final class Address {
    private final byte[] bytes;

    private Address(byte[] bytes) { this.bytes = bytes; }

    /** The address from its 20 bytes. */
    public static Address of(byte[] bytes) {
        if (bytes.length != 20) throw new IllegalArgumentException("an address is 20 bytes, not " + bytes.length);
        return new Address(bytes.clone());
    }

    /**
     * Parses {@code 0x…} (40 hex digits).
     * @throws IllegalArgumentException with a one-line reason when the text is not an address or its checksum is wrong
     */
    public static Address parse(String text) {
        if (text == null || !text.startsWith("0x") && !text.startsWith("0X"))
            throw new IllegalArgumentException("an address starts with 0x");
        String hex = text.substring(2);
        if (hex.length() != 40) throw new IllegalArgumentException("an address has 40 hex digits, not " + hex.length());
        byte[] b;
        try {
            b = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an address has only hex digits");
        }
        Address a = new Address(b);
        boolean lower = hex.equals(hex.toLowerCase()), upper = hex.equals(hex.toUpperCase());
        if (!lower && !upper && !a.toChecksumString().substring(2).equals(hex))
            throw new IllegalArgumentException("mixed-case address with a wrong EIP-55 checksum");
        return a;
    }

    public byte[] bytes() { return bytes.clone(); }

    /** EIP-55 mixed-case form. */
    public String toChecksumString() {
        String lower = HexFormat.of().formatHex(bytes);
        byte[] h = Keccak.keccak256(lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            char c = lower.charAt(i);
            int nibble = (h[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            sb.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    @Override public boolean equals(Object o) { return o instanceof Address a && Arrays.equals(bytes, a.bytes); }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public String toString() { return "0x" + HexFormat.of().formatHex(bytes); }
}
