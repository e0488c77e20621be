package org.ppfarm.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.witness.WitnessException.Kind;

/**
 * Seeded random input documents for a circuit, valid and malformed, each with what ppfarm must do relative to
 * snarkjs: the same accept/refuse decision, or — where ppfarm is stricter on purpose (see {@link CircuitInputs}) —
 * a refusal of a kind named here where snarkjs accepts. The documents are written as JSON text by hand, so they can
 * hold what a JSON library would not write (duplicate keys, truncation, unquoted huge numbers).
 */
final class InputFuzz {
    static final BigInteger P = Field.FR.modulus();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An input signal of a valid document: its dimensions (none for a scalar) and its values, flattened. */
    record Signal(String name, int[] dims, List<BigInteger> values) {}

    /**
     * One generated document.
     *
     * @param stricter null: ppfarm decides as snarkjs does; otherwise ppfarm refuses with this kind where snarkjs accepts
     * @param signal   the signal a refusal must name (an element of it for a value), or null
     * @param what     the mutation, for the failure message
     */
    record Case(String json, Kind stricter, String signal, String what) {}

    private final Random rnd;
    private final List<Signal> base;

    InputFuzz(long seed, List<Signal> base) {
        this.rnd = new Random(seed);
        this.base = base;
    }

    /** The signals of a valid input document whose values are all scalars or one-dimensional arrays. */
    static List<Signal> signals(String validJson) throws Exception {
        List<Signal> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(validJson).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<BigInteger> values = new ArrayList<>();
            if (e.getValue().isArray()) e.getValue().forEach(v -> values.add(new BigInteger(v.asText())));
            else values.add(new BigInteger(e.getValue().asText()));
            out.add(new Signal(e.getKey(), e.getValue().isArray() ? new int[] {values.size()} : new int[0], values));
        }
        return out;
    }

    Case next() {
        List<List<String>> tokens = new ArrayList<>();
        for (Signal s : base) {
            List<String> t = new ArrayList<>();
            for (BigInteger v : s.values()) t.add(encode(v));
            tokens.add(t);
        }
        int si = rnd.nextInt(base.size());
        Signal s = base.get(si);
        int ei = rnd.nextInt(s.values().size());
        String element = s.name() + index(s.dims(), ei);
        List<String> own = tokens.get(si);
        switch (rnd.nextInt(12)) {
            case 0 -> { return new Case(write(tokens, -1, null), null, null, "valid, mixed encodings"); }
            case 1 -> {
                BigInteger x = s.values().get(ei), k = new BigInteger(64, rnd);
                String[] big = {"\"" + x.add(P) + "\"", "\"0x" + x.add(P).toString(16) + "\"", "\"-" + P.add(k) + "\"",
                        "\"" + BigInteger.ONE.shiftLeft(256).add(k) + "\"", "\"" + "9".repeat(100) + "\"", "\"" + P + "\""};
                own.set(ei, pick(big));
                return new Case(write(tokens, -1, null), Kind.OUT_OF_RANGE, element, "value >= p: " + own.get(ei));
            }
            case 2 -> {
                own.set(ei, pick(new String[] {"\"abc\"", "\"1.5\"", "\"12z\"", "null", "{\"x\": 1}", "\"1e3\"", "1.5", "\"-0x5\"",
                        "\"0x\"", "\"0xZZ\"", "\"--1\"", "\"0b102\"", "[\"1\", {}]", "-2.25"}));
                return new Case(write(tokens, -1, null), null, element, "not a number: " + own.get(ei));
            }
            case 3 -> {
                own.set(ei, pick(new String[] {"\"\"", "\"  \"", "1e300", "9007199254740993", "-9007199254740993", "1e20"}));
                return new Case(write(tokens, -1, null), Kind.NOT_A_NUMBER, element, "empty, or a JSON number beyond 2^53: " + own.get(ei));
            }
            case 4 -> { return new Case(write(tokens, si, null), null, s.name(), "missing " + s.name()); }
            case 5 -> {
                String extra = rnd.nextBoolean() ? "extra" + rnd.nextInt(1000) : s.name() + "_";
                return new Case(write(tokens, -1, "\"" + extra + "\": " + encode(BigInteger.valueOf(rnd.nextInt(100)))), null, extra, "extra " + extra);
            }
            case 6 -> {
                if (rnd.nextBoolean() || own.size() == 1) own.add(encode(BigInteger.valueOf(rnd.nextInt(100))));
                else own.remove(own.size() - 1);
                return new Case(writeAs(tokens, si, v -> "[" + String.join(", ", v) + "]"), null, s.name(), "wrong length of " + s.name());
            }
            case 7 -> { return new Case(writeAs(tokens, si, v -> randomNesting(v, 0)), null, null, "nested differently: " + s.name()); }
            case 8 -> {
                String dup = "\"" + s.name() + "\": " + shape(own, s.dims());
                return new Case(write(tokens, -1, dup), Kind.MALFORMED_INPUT, s.name(), "given twice: " + s.name());
            }
            case 9 -> {
                String doc = write(tokens, -1, null);
                String[] bad = {doc.substring(0, 1 + rnd.nextInt(doc.length() - 1)), "[1, 2]", "5", "\"x\"", "null", "{}", "{\"a\" 1}"};
                return new Case(pick(bad), null, null, "malformed document");
            }
            case 10 -> {
                own.set(ei, encode(new BigInteger(256, rnd).mod(P)));
                return new Case(write(tokens, -1, null), null, null, "another value for " + element);
            }
            default -> {
                BigInteger x = s.values().get(ei);
                String[] same = {"\"-" + P.subtract(x).mod(P) + "\"", "\" 0x" + x.toString(16) + "\\n\"", "\"+" + x + "\"",
                        "\"0b" + x.toString(2) + "\"", "\"0o" + x.toString(8) + "\"", "\"0X" + x.toString(16).toUpperCase() + "\""};
                own.set(ei, pick(same));
                return new Case(write(tokens, -1, null), null, null, "the same value written as " + own.get(ei));
            }
        }
    }

    /** A value below p in one of the ways snarkjs reads as it. */
    private String encode(BigInteger x) {
        boolean small = x.bitLength() < 53;
        return switch (rnd.nextInt(small ? 8 : 5)) {
            case 0 -> "\"" + x + "\"";
            case 1 -> "\"0x" + x.toString(16) + "\"";
            case 2 -> x.signum() == 0 ? "\"-0\"" : "\"-" + P.subtract(x) + "\"";
            case 3 -> "\"\\t" + x + " \"";
            case 4 -> "\"" + x + "\"";
            case 5 -> x.toString();
            case 6 -> x.equals(BigInteger.ONE) ? "true" : x.signum() == 0 ? "false" : x + ".0";
            default -> x.signum() == 0 ? "-0" : x.toString();
        };
    }

    private String pick(String[] options) { return options[rnd.nextInt(options.length)]; }

    /** The document with signal {@code skip} left out and {@code extra} ("name": value) inserted at a random place. */
    private String write(List<List<String>> tokens, int skip, String extra) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (i != skip) fields.add("\"" + base.get(i).name() + "\": " + shape(tokens.get(i), base.get(i).dims()));
        }
        if (extra != null) fields.add(rnd.nextInt(fields.size() + 1), extra);
        return "{" + String.join(", ", fields) + "}";
    }

    /** The document with signal {@code which}'s values written by {@code as}, the others in their shapes. */
    private String writeAs(List<List<String>> tokens, int which, Function<List<String>, String> as) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            String v = i == which ? as.apply(tokens.get(i)) : shape(tokens.get(i), base.get(i).dims());
            fields.add("\"" + base.get(i).name() + "\": " + v);
        }
        return "{" + String.join(", ", fields) + "}";
    }

    /** Values in random nested arrays (snarkjs flattens them in order). */
    private String randomNesting(List<String> values, int depth) {
        if (depth > 4) return "[" + String.join(", ", values) + "]";
        if (values.size() == 1 && (depth > 2 || rnd.nextBoolean())) return rnd.nextBoolean() ? values.getFirst() : "[" + values.getFirst() + "]";
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < values.size()) {
            int n = 1 + rnd.nextInt(values.size() - i);
            parts.add(n == 1 && rnd.nextBoolean() ? values.get(i) : randomNesting(values.subList(i, i + n), depth + 1));
            i += n;
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** Values in the signal's own shape: a scalar, or nested arrays of {@code dims}. */
    static String shape(List<String> values, int[] dims) {
        if (dims.length == 0) return values.getFirst();
        return nest(values, dims, 0, 0);
    }

    private static String nest(List<String> values, int[] dims, int d, int from) {
        int stride = 1;
        for (int k = d + 1; k < dims.length; k++) stride *= dims[k];
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < dims[d]; i++) {
            parts.add(d == dims.length - 1 ? values.get(from + i) : nest(values, dims, d + 1, from + i * stride));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** How ppfarm names element {@code flat} of a signal of {@code dims} ({@code v[1]}, {@code grid[1][2]}; nothing for a scalar). */
    static String index(int[] dims, int flat) {
        StringBuilder sb = new StringBuilder();
        int stride = 1;
        for (int d : dims) stride *= d;
        for (int d : dims) {
            stride /= d;
            sb.append('[').append(flat / stride).append(']');
            flat %= stride;
        }
        return sb.toString();
    }
}
