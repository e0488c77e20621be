package org.ppfarm.coordinator.inputs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import org.ppfarm.prover.bn254.Field;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Checks a circuit-input JSON before it is enqueued: an object whose members are signals, each a value or an array
 * (nested to any depth) of values, every value a canonical BN254 scalar-field element — a non-negative integer below
 * r given as a decimal string, a 0x-hex string or a JSON integer, exactly the forms snarkjs accepts. A value ≥ r is
 * refused, never reduced. Error messages name the signal and element ({@code in[2][0]}) but never echo the value:
 * inputs are spending keys.
 *
 * <p>Thread-safe and allocation-light; nothing read is retained.
 */
public final class InputValidator {
    /** r, the order of BN254's scalar field. */
    private static final BigInteger R = Field.FR.modulus();
    private static final int MAX_DEPTH = 8;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).maxNumberLength(100).build())
            .build();

    private InputValidator() {}

    /** Summary of a valid input: how many signals and field elements it holds. */
    public record Shape(int signals, int elements) {}

    /** Validates {@code json}; throws naming the signal and the problem. */
    public static Shape validate(byte[] json) throws InvalidInputException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new InvalidInputException("input: expected a JSON object of signals");
            int signals = 0, elements = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                if (name.isEmpty()) throw new InvalidInputException("input: empty signal name");
                p.nextToken();
                elements += value(p, new StringBuilder(name), 0);
                signals++;
            }
            if (p.nextToken() != null) throw new InvalidInputException("input: trailing data after the JSON object");
            if (signals == 0) throw new InvalidInputException("input: no signals");
            return new Shape(signals, elements);
        } catch (JsonParseException e) {
            throw new InvalidInputException("input: malformed JSON at line " + e.getLocation().getLineNr()
                    + " column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage().split("\n")[0]
                    .replaceAll("'[^']*'", "'…'"));
        } catch (IOException e) {
            throw new InvalidInputException("input: unreadable JSON: " + e.getMessage());
        }
    }

    private static int value(JsonParser p, StringBuilder path, int depth) throws IOException, InvalidInputException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_ARRAY -> {
                if (depth >= MAX_DEPTH) throw new InvalidInputException("input signal '" + path + "': arrays nested deeper than " + MAX_DEPTH);
                int n = 0, i = 0, len = path.length();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    path.append('[').append(i++).append(']');
                    n += value(p, path, depth + 1);
                    path.setLength(len);
                }
                if (i == 0) throw new InvalidInputException("input signal '" + path + "': empty array");
                return n;
            }
            case VALUE_NUMBER_INT -> {
                check(p.getBigIntegerValue(), path);
                return 1;
            }
            case VALUE_STRING -> {
                check(parse(p.getText(), path), path);
                return 1;
            }
            case VALUE_NUMBER_FLOAT -> throw new InvalidInputException("input signal '" + path + "': not an integer");
            default -> throw new InvalidInputException("input signal '" + path + "': expected a number, a numeric string or an array, got "
                    + t.asString());
        }
    }

    private static BigInteger parse(String s, CharSequence path) throws InvalidInputException {
        try {
            String v = s.strip();
            if (v.startsWith("0x") || v.startsWith("0X")) {
                if (v.length() == 2 || v.length() > 66) throw new NumberFormatException();
                return new BigInteger(v.substring(2), 16);
            }
            if (v.isEmpty() || v.length() > 78) throw new NumberFormatException();
            return new BigInteger(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("input signal '" + path + "': not a decimal or 0x-hex integer");
        }
    }

    private static void check(BigInteger v, CharSequence path) throws InvalidInputException {
        if (v.signum() < 0) throw new InvalidInputException("input signal '" + path + "': negative value; field elements are 0 ≤ x < r");
        if (v.compareTo(R) >= 0) throw new InvalidInputException("input signal '" + path + "': value ≥ r (the BN254 scalar field modulus); refused, not reduced");
    }
}
