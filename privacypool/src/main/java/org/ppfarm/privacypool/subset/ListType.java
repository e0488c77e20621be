package org.ppfarm.privacypool.subset;

import java.math.BigInteger;

/**
 * The two kinds of access list. They differ only in their default leaf: an allow list blocks every deposit it does
 * not name (default BLOCKED, named ones ALLOWED); a block list allows every deposit it does not name (default
 * ALLOWED, named ones BLOCKED). A withdrawal proves ALLOWED at its deposit's index either way.
 */
public enum ListType {
    ALLOWLIST("allowlist", SubsetValues.BLOCKED, SubsetValues.ALLOWED),
    BLOCKLIST("blocklist", SubsetValues.ALLOWED, SubsetValues.BLOCKED);

    private final String json;
    private final BigInteger defaultLeaf;
    private final BigInteger namedLeaf;

    ListType(String json, BigInteger defaultLeaf, BigInteger namedLeaf) {
        this.json = json;
        this.defaultLeaf = defaultLeaf;
        this.namedLeaf = namedLeaf;
    }

    /** The {@code treeType} string of the encodings. */
    public String json() { return json; }

    /** Leaf of an index the list does not name (the tree's zero value); bit 0 in the bitstring. */
    public BigInteger defaultLeaf() { return defaultLeaf; }

    /** Leaf of an index the list names; bit 1 in the bitstring. */
    public BigInteger namedLeaf() { return namedLeaf; }

    public static ListType fromJson(String s) {
        for (ListType t : values()) if (t.json.equals(s)) return t;
        throw new SubsetEncodingException("treeType", "must be \"allowlist\" or \"blocklist\"");
    }
}
