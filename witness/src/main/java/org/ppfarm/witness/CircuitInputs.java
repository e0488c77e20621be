package org.ppfarm.witness;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ppfarm.witness.WitnessException.Kind;

/**
 * A circuit's input signals, parsed: for each signal name (in document order) its values, nested arrays flattened
 * in order, each a canonical BN254 Fr element in standard form (4 little-endian limbs).
 *
 * <p>Accepts what snarkjs accepts ({@code snarkjs wtns calculate}: {@code JSON.parse}, ffjavascript's
 * {@code unstringifyBigInts}, circom_runtime's {@code flatArray} and {@code BigInt(v)}): decimal strings, {@code 0x}
 * hex strings (also {@code 0o}, {@code 0b}, a sign on decimals, surrounding blanks), JSON integers, {@code true}/
 * {@code false} (1/0), arrays nested to any depth. Stricter on purpose: a value ≥ p is refused instead of reduced;
 * an empty string is refused instead of read as 0; a JSON number beyond 2^53 − 1 (which {@code JSON.parse} would
 * silently round) and a fractional one are refused; a signal named twice is refused. Negative values −x (x &lt; p)
 * mean p − x, as in snarkjs.
 *
 * <p>Values are spending keys: errors name the signal and the problem, never the value; {@link #zeroize()} (or
 * {@link #close()}) overwrites them once the witness is computed. Not thread-safe.
 */
public final class CircuitInputs implements AutoCloseable {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)   // parse errors must not quote the input
            .recyclerPool(JsonRecyclerPools.nonRecyclingPool())       // no parser buffer with input text outlives a parse
            .build();

    private final String source;
    private final LinkedHashMap<String, long[]> values = new LinkedHashMap<>();
    private final LinkedHashMap<String, Integer> counts = new LinkedHashMap<>();

    private CircuitInputs(String source) { this.source = source; }

    /** Parses a UTF-8 JSON document; {@code source} names it in error messages (e.g. the file name). */
    public static CircuitInputs parseJson(byte[] json, String source) {
        try (JsonParser p = JSON.createParser(json)) {
            return parse(p, source);
        } catch (IOException e) {
            throw malformed(source, e);
        }
    }

    public static CircuitInputs parseJson(String json, String source) {
        try (JsonParser p = JSON.createParser(json)) {
            return parse(p, source);
        } catch (IOException e) {
            throw malformed(source, e);
        }
    }

    /**
     * From Java values: each entry's value is a {@link BigInteger}, {@link Long}/{@link Integer}/{@link Short}/
     * {@link Byte}, {@link String} (as in JSON), {@link Boolean}, or a {@link List}/array of these, nested.
     */
    public static CircuitInputs of(Map<String, ?> signals, String source) {
        CircuitInputs in = new CircuitInputs(source);
        try {
            for (var e : signals.entrySet()) {
                Builder b = new Builder();
                try {
                    in.addJava(e.getKey(), e.getValue(), b, new ArrayList<>());
                } catch (RuntimeException x) {
                    b.zeroize();
                    throw x;
                }
                in.put(e.getKey(), b);
            }
            return in;
        } catch (RuntimeException e) {
            in.zeroize();
            throw e;
        }
    }

    /** The signal names, in document order. */
    public Set<String> names() { return Collections.unmodifiableSet(values.keySet()); }

    /** How many values the document gives for a signal (its flattened length), or -1 if absent. */
    public int count(String name) { return counts.getOrDefault(name, -1); }

    /** The name used in error messages. */
    public String source() { return source; }

    /** Standard-form limbs of the signal's values (4 per value); the caller must not keep or modify them. */
    long[] limbs(String name) { return values.get(name); }

    /** Overwrites every value with zeros. */
    public void zeroize() {
        for (long[] v : values.values()) Arrays.fill(v, 0L);
    }

    @Override public void close() { zeroize(); }

    @Override public String toString() { return "CircuitInputs[" + source + ": " + counts + "]"; }

    private static CircuitInputs parse(JsonParser p, String source) throws IOException {
        CircuitInputs in = new CircuitInputs(source);
        try {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WitnessException(Kind.MALFORMED_INPUT, null, source + ": expected a JSON object of input signals");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                Builder b = new Builder();
                try {
                    in.addJson(p, name, b, new ArrayList<>());
                } catch (RuntimeException | IOException x) {
                    b.zeroize();
                    throw x;
                }
                in.put(name, b);
            }
            if (p.nextToken() != null) {
                throw new WitnessException(Kind.MALFORMED_INPUT, null, source + ": unexpected content after the JSON object" + at(p.currentLocation()));
            }
            return in;
        } catch (RuntimeException | IOException e) {
            in.zeroize();
            throw e;
        }
    }

    private void put(String name, Builder b) {
        if (values.containsKey(name)) {
            b.zeroize();
            throw new WitnessException(Kind.MALFORMED_INPUT, name, source + ": signal " + name + " is given twice");
        }
        values.put(name, b.toArray());
        counts.put(name, b.count);
    }

    private void addJson(JsonParser p, String name, Builder b, List<Integer> path) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_ARRAY -> {
                path.add(0);
                for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
                    addJson(p, name, b, path);
                    path.set(path.size() - 1, path.getLast() + 1);
                }
                path.removeLast();
            }
            case VALUE_STRING, VALUE_NUMBER_INT -> {
                long[] out = b.next();
                check(FieldParser.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), t == JsonToken.VALUE_NUMBER_INT,
                        out, b.offset()), name, path, t == JsonToken.VALUE_NUMBER_INT
                        ? "a JSON number beyond 2^53 - 1 is not exact in snarkjs; give it as a decimal string" : null);
                b.count++;
            }
            case VALUE_NUMBER_FLOAT -> {
                long[] out = b.next();
                check(FieldParser.fromDouble(p.getDoubleValue(), out, b.offset()), name, path,
                        "a fractional, non-finite or beyond 2^53 - 1 JSON number is not an exact integer");
                b.count++;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                long[] out = b.next();
                FieldParser.fromLong(t == JsonToken.VALUE_TRUE ? 1 : 0, out, b.offset());
                b.count++;
            }
            case VALUE_NULL -> throw notANumber(name, path, "null is not a number");
            case START_OBJECT -> throw notANumber(name, path, "an object is not a number");
            default -> throw new WitnessException(Kind.MALFORMED_INPUT, name, source + ": signal " + element(name, path) + ": unexpected JSON" + at(p.currentLocation()));
        }
    }

    private void addJava(String name, Object v, Builder b, List<Integer> path) {
        if (v instanceof List<?> list) {
            path.add(0);
            for (Object o : list) {
                addJava(name, o, b, path);
                path.set(path.size() - 1, path.getLast() + 1);
            }
            path.removeLast();
        } else if (v instanceof Object[] array) {
            addJava(name, Arrays.asList(array), b, path);
        } else if (v instanceof BigInteger x) {
            long[] out = b.next();
            if (x.abs().compareTo(org.ppfarm.prover.bn254.Field.FR.modulus()) >= 0) check(FieldParser.Status.OUT_OF_RANGE, name, path, null);
            long[] l = org.ppfarm.prover.bn254.Field.limbs(x.signum() < 0 ? org.ppfarm.prover.bn254.Field.FR.modulus().add(x) : x);
            System.arraycopy(l, 0, out, b.offset(), 4);
            Arrays.fill(l, 0L);
            b.count++;
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            FieldParser.fromLong(((Number) v).longValue(), b.next(), b.offset());
            b.count++;
        } else if (v instanceof Boolean x) {
            FieldParser.fromLong(x ? 1 : 0, b.next(), b.offset());
            b.count++;
        } else if (v instanceof String s) {
            char[] c = s.toCharArray();
            try {
                check(FieldParser.parse(c, 0, c.length, false, b.next(), b.offset()), name, path, null);
            } finally {
                Arrays.fill(c, '\0');
            }
            b.count++;
        } else {
            throw notANumber(name, path, (v == null ? "null" : "a " + v.getClass().getSimpleName()) + " is not a number");
        }
    }

    private void check(FieldParser.Status s, String name, List<Integer> path, String notANumberDetail) {
        switch (s) {
            case OK -> { }
            case NOT_A_NUMBER -> throw notANumber(name, path, notANumberDetail != null ? "not a number (" + notANumberDetail + ")"
                    : "not a number (expected a decimal or 0x-hex string, or an integer)");
            case OUT_OF_RANGE -> throw new WitnessException(Kind.OUT_OF_RANGE, element(name, path), source + ": signal "
                    + element(name, path) + ": value is not below the BN254 scalar field modulus p (refused, not reduced)");
        }
    }

    private WitnessException notANumber(String name, List<Integer> path, String detail) {
        return new WitnessException(Kind.NOT_A_NUMBER, element(name, path), source + ": signal " + element(name, path) + ": " + detail);
    }

    private static String element(String name, List<Integer> path) {
        StringBuilder sb = new StringBuilder(name);
        for (int i : path) sb.append('[').append(i).append(']');
        return sb.toString();
    }

    private static String at(JsonLocation l) {
        return l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static WitnessException malformed(String source, IOException e) {
        String where = e instanceof JsonProcessingException j ? at(j.getLocation()) : "";
        // the parser's own message may quote the input: report only where it stopped
        return new WitnessException(Kind.MALFORMED_INPUT, null, source + ": not valid JSON" + where);
    }

    /** A growing array of 4-limb values that wipes what it discards. */
    private static final class Builder {
        long[] a = new long[16];
        int count;

        long[] next() {
            if (4 * count + 4 > a.length) {
                long[] bigger = Arrays.copyOf(a, a.length * 2);
                Arrays.fill(a, 0L);
                a = bigger;
            }
            return a;
        }

        int offset() { return 4 * count; }

        long[] toArray() {
            long[] r = Arrays.copyOf(a, 4 * count);
            Arrays.fill(a, 0L);
            return r;
        }

        void zeroize() { Arrays.fill(a, 0L); }
    }
}
