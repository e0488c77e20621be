package org.ppfarm.privacypool.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.ppfarm.privacypool.eth.Address;

/**
 * Typed reads from a request's JSON tree, each failure a {@link RequestFormatException} naming the field's path.
 * Numbers are decimal strings, {@code 0x} hex strings, or JSON integers.
 */
final class JsonFields {
    private JsonFields() {}

    static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode n = required(parent, name, path);
        if (!n.isObject()) throw new RequestFormatException(path, "must be an object");
        return n;
    }

    static JsonNode required(JsonNode parent, String name, String path) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) throw new RequestFormatException(path, "missing");
        return n;
    }

    static void onlyKnownFields(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new RequestFormatException(prefix + f, "unknown field (expected one of " + known + ")");
        }
    }

    static BigInteger number(JsonNode parent, String name, String path) {
        return number(required(parent, name, path), path);
    }

    static BigInteger number(JsonNode n, String path) {
        if (n.isIntegralNumber()) return n.bigIntegerValue();
        if (n.isNumber()) throw new RequestFormatException(path, "must be an integer");
        if (!n.isTextual()) throw new RequestFormatException(path, "must be a decimal or 0x-hex number");
        String s = n.asText().strip();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                String hex = s.substring(2);
                if (hex.isEmpty() || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) throw new NumberFormatException();
                return new BigInteger(hex, 16);
            }
            if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) throw new NumberFormatException();
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            throw new RequestFormatException(path, "not a decimal or 0x-hex number");
        }
    }

    static List<BigInteger> numbers(JsonNode parent, String name, String path) {
        JsonNode a = required(parent, name, path);
        if (!a.isArray()) throw new RequestFormatException(path, "must be an array");
        List<BigInteger> r = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) r.add(number(a.get(i), path + "[" + i + "]"));
        return r;
    }

    static Address address(JsonNode parent, String name, String path) {
        JsonNode n = required(parent, name, path);
        if (!n.isTextual()) throw new RequestFormatException(path, "must be a 0x address string");
        try {
            return Address.parse(n.asText().strip());
        } catch (IllegalArgumentException e) {
            throw new RequestFormatException(path, e.getMessage());
        }
    }

    static byte[] hexBytes(JsonNode parent, String name, String path) {
        JsonNode n = required(parent, name, path);
        if (!n.isTextual() || !n.asText().startsWith("0x"))
            throw new RequestFormatException(path, "must be a 0x-prefixed hex string");
        String hex = n.asText().substring(2);
        if (hex.length() % 2 != 0) throw new RequestFormatException(path, "odd number of hex digits");
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new RequestFormatException(path, "not hex");
        }
    }

    static String text(JsonNode parent, String name, String path) {
        JsonNode n = required(parent, name, path);
        if (!n.isTextual()) throw new RequestFormatException(path, "must be a string");
        return n.asText();
    }
}
