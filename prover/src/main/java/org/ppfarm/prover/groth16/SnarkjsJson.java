package org.ppfarm.prover.groth16;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.FormatException;

/**
 * The JSON dialect of snarkjs: reading (strict shapes, decimal-string field elements, errors that name the file and
 * field) and writing byte-for-byte as snarkjs does — it writes with {@code bfj.write(value, {space: 1})}, which
 * is JSON.stringify with one-space indentation except that an empty array is {@code "[\n<indent>]"}, and no
 * trailing newline.
 */
final class SnarkjsJson {
    private SnarkjsJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+");
    static final BigInteger Q = Field.FQ.modulus();
    static final BigInteger R = Field.FR.modulus();

    // ---- reading ----

    static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FormatException(file.toString(), "file", "does not exist");
        } catch (IOException e) {
            throw new FormatException(file.toString(), "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    static JsonNode parse(String text, String source) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) throw new FormatException(source, "document", "is empty");
            return n;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String at = loc == null ? "document" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new FormatException(source, at, "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode field(JsonNode obj, String name, String source) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) throw new FormatException(source, name, "missing");
        return n;
    }

    static void expectObject(JsonNode n, String source) {
        if (!n.isObject()) throw new FormatException(source, "document", "expected a JSON object, found " + kind(n));
    }

    static JsonNode array(JsonNode n, int length, String source, String where) {
        if (!n.isArray()) throw new FormatException(source, where, "expected an array, found " + kind(n));
        if (length >= 0 && n.size() != length)
            throw new FormatException(source, where, "expected an array of " + length + " elements, found " + n.size());
        return n;
    }

    /** A field element written as a decimal string, below {@code bound} (q or r). */
    static BigInteger decimal(JsonNode n, BigInteger bound, String source, String where) {
        if (!n.isTextual()) throw new FormatException(source, where, "expected a decimal string, found " + kind(n));
        String s = n.textValue();
        if (!DECIMAL.matcher(s).matches()) throw new FormatException(source, where, "not a decimal number: \"" + abbreviate(s) + "\"");
        int lead = 0;
        while (lead < s.length() - 1 && s.charAt(lead) == '0') lead++;
        // more than 100 significant digits is far above either modulus: no need to convert it
        if (s.length() - lead > 100 || new BigInteger(s).compareTo(bound) >= 0)
            throw new FormatException(source, where, "value is not below the " + (bound.equals(Q) ? "base field modulus q" : "scalar field modulus r"));
        return new BigInteger(s);
    }

    static void expectText(JsonNode obj, String name, String expected, boolean required, String source) {
        JsonNode n = obj.get(name);
        if (n == null) {
            if (required) throw new FormatException(source, name, "missing");
            return;
        }
        if (!n.isTextual() || !n.textValue().equals(expected))
            throw new FormatException(source, name, "expected \"" + expected + "\", found " + abbreviate(n.toString()));
    }

    /** A G1 point [x, y, "1"] (or [0, 1, 0] for infinity): canonical, on the curve. */
    static long[] g1(JsonNode n, String source, String where, boolean allowInfinity) {
        array(n, 3, source, where);
        BigInteger x = decimal(n.get(0), Q, source, where + "[0]");
        BigInteger y = decimal(n.get(1), Q, source, where + "[1]");
        BigInteger z = decimal(n.get(2), Q, source, where + "[2]");
        long[] p = new long[G1.AFFINE];
        if (z.signum() == 0) {
            if (!allowInfinity) throw new FormatException(source, where, "point at infinity (degenerate)");
            return p;
        }
        if (!z.equals(BigInteger.ONE)) throw new FormatException(source, where + "[2]", "z coordinate must be 1 (affine), or 0 for the point at infinity");
        Field.FQ.fromBigInteger(x, p, 0);
        Field.FQ.fromBigInteger(y, p, 4);
        Points.checkG1(p, source, where, allowInfinity);
        return p;
    }

    /** A G2 point [[x0, x1], [y0, y1], ["1", "0"]] (or [[0,0],[1,0],[0,0]]): canonical, on the twist, in G2. */
    static long[] g2(JsonNode n, String source, String where, boolean allowInfinity) {
        array(n, 3, source, where);
        BigInteger[] c = new BigInteger[6];
        for (int i = 0; i < 3; i++) {
            JsonNode pair = array(n.get(i), 2, source, where + "[" + i + "]");
            for (int j = 0; j < 2; j++) c[2 * i + j] = decimal(pair.get(j), Q, source, where + "[" + i + "][" + j + "]");
        }
        long[] p = new long[G2.AFFINE];
        if (c[4].signum() == 0 && c[5].signum() == 0) {
            if (!allowInfinity) throw new FormatException(source, where, "point at infinity (degenerate)");
            return p;
        }
        if (!c[4].equals(BigInteger.ONE) || c[5].signum() != 0)
            throw new FormatException(source, where + "[2]", "z coordinate must be [\"1\", \"0\"] (affine), or zero for the point at infinity");
        for (int i = 0; i < 4; i++) Field.FQ.fromBigInteger(c[i], p, 4 * i);
        Points.checkG2(p, source, where, allowInfinity);
        return p;
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) return "an object";
        if (n.isArray()) return "an array";
        if (n.isTextual()) return "a string";
        if (n.isNumber()) return "a number";
        if (n.isBoolean()) return "a boolean";
        return "null";
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() <= 40 ? clean : clean.substring(0, 37) + "...";
    }

    // ---- writing ----

    /**
     * Writes a tree of {@code Map<String, ?>} (in iteration order), {@code List<?>}, arrays, {@code String},
     * {@code BigInteger} (as a decimal string, as snarkjs's stringifyBigInts does) and {@code Number} as snarkjs
     * writes it.
     */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth) {
        switch (v) {
            case Map<?, ?> m -> {
                sb.append('{');
                if (m.isEmpty()) { newline(sb, depth); sb.append('}'); return; }
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, depth + 1);
                    string(sb, e.getKey().toString());
                    sb.append(": ");
                    write(sb, e.getValue(), depth + 1);
                }
                newline(sb, depth);
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    newline(sb, depth + 1);
                    write(sb, l.get(i), depth + 1);
                }
                newline(sb, depth);
                sb.append(']');
            }
            case Object[] a -> write(sb, List.of(a), depth);
            case BigInteger b -> string(sb, b.toString());
            case String s -> string(sb, s);
            case Number num -> sb.append(num);
            default -> throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private static void newline(StringBuilder sb, int depth) {
        sb.append('\n');
        sb.append(" ".repeat(depth));
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
    }

    static void writeFile(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PpfarmException(file + ": cannot be written: " + e.getMessage(), e);
        }
    }
}
