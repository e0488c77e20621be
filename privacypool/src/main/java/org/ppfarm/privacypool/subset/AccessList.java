package org.ppfarm.privacypool.subset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.ppfarm.privacypool.tree.FixedMerkleTree;

/**
 * An allow list or a block list over deposit indices: the set of indices it names (allowed by an allow list,
 * blocked by a block list). Its Merkle tree has the deposit tree's depth, leaf i = the named value when i is named,
 * the type's default otherwise; the tree's root is the subset root a withdrawal proves against.
 *
 * <p>Three JSON encodings (seed 002), each with {@code "treeType": "allowlist" | "blocklist"}:
 * <ul>
 *   <li>{@link Form#BITSTRING}: {@code "list"}: bit i (character i) is 1 when index i is named; as long as the highest
 *       named index + 1 (empty when none is named).</li>
 *   <li>{@link Form#FIRST_INDEX}: {@code "firstIndex"}: the lowest named index, and {@code "list"}: bit j for index
 *       firstIndex + 1 + j, up to the highest named index. A list naming nothing has no first index and is written
 *       in the bitstring form.</li>
 *   <li>{@link Form#INDICES}: {@code "indices"}: the named indices, ascending.</li>
 * </ul>
 * Writing always produces these canonical forms; reading also accepts trailing zeros and unsorted indices. Immutable.
 */
public final class AccessList {
    /** Encodings, see the class comment. */
    public enum Form { BITSTRING, FIRST_INDEX, INDICES }

    /** Highest index an encoding may name (indices are ints; any tree the lists serve is at most 2^30 deep). */
    public static final int MAX_INDEX = (1 << 30) - 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ListType type;
    private final BitSet named;

    private AccessList(ListType type, BitSet named) {
        this.type = type;
        this.named = named;
    }

    /** A list of {@code type} naming {@code indices}. */
    public static AccessList of(ListType type, int... indices) {
        BitSet b = new BitSet();
        for (int i : indices) {
            if (i < 0 || i > MAX_INDEX) throw new IllegalArgumentException("index " + i + " out of range");
            b.set(i);
        }
        return new AccessList(type, b);
    }

    /** A list of {@code type} naming the deposits 0..deposits-1 that {@code names} selects (seed 002's createSubsetFromFilter). */
    public static AccessList fromFilter(ListType type, int deposits, IntPredicate names) {
        BitSet b = new BitSet(deposits);
        for (int i = 0; i < deposits; i++) if (names.test(i)) b.set(i);
        return new AccessList(type, b);
    }

    public ListType type() { return type; }

    /** Whether the list names {@code index} (allows it, for an allow list; blocks it, for a block list). */
    public boolean names(int index) { return index >= 0 && named.get(index); }

    /** Whether a withdrawal of deposit {@code index} can prove membership in this list's subset. */
    public boolean allows(int index) { return names(index) == (type == ListType.ALLOWLIST); }

    /** The named indices, ascending. */
    public int[] indices() { return named.stream().toArray(); }

    /** The tree leaf at {@code index}. */
    public BigInteger leaf(int index) { return names(index) ? type.namedLeaf() : type.defaultLeaf(); }

    /** The list's tree of {@code depth} levels (default leaves beyond the highest named index). */
    public FixedMerkleTree tree(int depth) {
        int length = named.length();
        if (length > 0 && depth < 31 && length - 1 >= (1L << depth))
            throw new SubsetEncodingException("list", "names index " + (length - 1) + ", beyond a tree of depth " + depth);
        List<BigInteger> leaves = new ArrayList<>(length);
        for (int i = 0; i < length; i++) leaves.add(leaf(i));
        return FixedMerkleTree.of(depth, type.defaultLeaf(), leaves);
    }

    /** The subset root: the root of {@link #tree(int)}. */
    public BigInteger root(int depth) { return tree(depth).root(); }

    /** The JSON encoding in {@code form}. */
    public String toJson(Form form) {
        ObjectNode o = JSON.createObjectNode();
        o.put("treeType", type.json());
        int length = named.length();
        switch (form) {
            case BITSTRING -> o.put("list", bits(0, length));
            case FIRST_INDEX -> {
                if (length == 0) {
                    o.put("list", "");
                } else {
                    int first = named.nextSetBit(0);
                    o.put("firstIndex", first);
                    o.put("list", bits(first + 1, length));
                }
            }
            case INDICES -> {
                var a = o.putArray("indices");
                named.stream().forEach(a::add);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads any of the three encodings. */
    public static AccessList fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SubsetEncodingException("list document", "not valid JSON");
        }
        if (root == null || !root.isObject()) throw new SubsetEncodingException("list document", "must be a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("treeType", "list", "firstIndex", "indices").contains(f))
                throw new SubsetEncodingException(f, "unknown field");
        }
        JsonNode tt = root.get("treeType");
        if (tt == null || !tt.isTextual()) throw new SubsetEncodingException("treeType", "missing");
        ListType type = ListType.fromJson(tt.asText());
        boolean hasList = root.has("list"), hasIndices = root.has("indices");
        if (hasList == hasIndices) throw new SubsetEncodingException("list", "give exactly one of \"list\" and \"indices\"");
        BitSet b = new BitSet();
        if (hasIndices) {
            if (root.has("firstIndex")) throw new SubsetEncodingException("firstIndex", "only goes with \"list\"");
            JsonNode a = root.get("indices");
            if (!a.isArray()) throw new SubsetEncodingException("indices", "must be an array");
            for (int k = 0; k < a.size(); k++) {
                int i = index(a.get(k), "indices[" + k + "]");
                if (b.get(i)) throw new SubsetEncodingException("indices[" + k + "]", "repeats index " + i);
                b.set(i);
            }
        } else {
            JsonNode l = root.get("list");
            if (!l.isTextual()) throw new SubsetEncodingException("list", "must be a string of 0s and 1s");
            String s = l.asText();
            int offset = 0;
            if (root.has("firstIndex")) {
                int first = index(root.get("firstIndex"), "firstIndex");
                b.set(first);
                offset = first + 1;
            }
            if ((long) offset + s.length() - 1 > MAX_INDEX) throw new SubsetEncodingException("list", "too long");
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '1') b.set(offset + j);
                else if (c != '0') throw new SubsetEncodingException("list", "character " + j + " is not 0 or 1");
            }
        }
        return new AccessList(type, b);
    }

    private String bits(int from, int to) {
        StringBuilder sb = new StringBuilder(Math.max(0, to - from));
        for (int i = from; i < to; i++) sb.append(named.get(i) ? '1' : '0');
        return sb.toString();
    }

    private static int index(JsonNode n, String field) {
        if (!n.isIntegralNumber()) throw new SubsetEncodingException(field, "must be a non-negative integer");
        BigInteger v = n.bigIntegerValue();
        if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(MAX_INDEX)) > 0)
            throw new SubsetEncodingException(field, "must be in 0.." + MAX_INDEX);
        return v.intValue();
    }

    @Override public boolean equals(Object o) { return o instanceof AccessList a && a.type == type && a.named.equals(named); }

    @Override public int hashCode() { return 31 * type.hashCode() + named.hashCode(); }

    @Override public String toString() { return "AccessList[" + type.json() + ", " + named.cardinality() + " named]"; }
}
