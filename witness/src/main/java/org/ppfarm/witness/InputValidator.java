package org.ppfarm.witness;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

import org.ppfarm.prover.bn254.Field;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Checks a circuit-input JSON before it is proved: an object whose members are signals, each a value or an array
 * (nested to any depth) of values, every value a canonical BN254 scalar-field element — a non-negative integer below
 * r given as a decimal string, a 0x-hex string or a JSON integer, exactly the forms snarkjs accepts. A value ≥ r is
 * refused, never reduced. Error messages name the signal and element ({@code in[2][0]}) but never echo the value:
 * inputs are spending keys.
 *
 * <p>One check, one wording, wherever an input is first seen in plaintext: the coordinator runs it on a plaintext
 * {@code input_json} (and on the input it builds from a privacy-pool request) before enqueueing it, and the worker on
 * an input the client sealed (and on the input it builds from a sealed request) before computing its witness, so a
 * sealed input fails with the very message the coordinator gives the same input in plaintext. It lives here, beside
 * the engine's own reader ({@link CircuitInputs}), because both nodes depend on this module and farm-core stays free
 * of the prover (clients depend on farm-core). Stricter than {@link CircuitInputs} where snarkjs is lenient (a
 * negative value is refused, not read as r − x).
 *
 * <p>Thread-safe and allocation-light; nothing read is retained.
 */
public final class InputValidator {
    /** r, the order of BN254's scalar field. */
    private static final BigInteger R = Field.FR.modulus();
    private static final int MAX_DEPTH = 8;
    /** Digits of r - 1 (decimal, hex): a longer number is too large whatever its value. */
    private static final int MAX_DECIMAL_DIGITS = 78, MAX_HEX_DIGITS = 64;
    /** The reader's own limits sit above ours, so that ours, which name the signal, are met first. */
    private static final int READER_MAX_NUMBER_LENGTH = 1000;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 2)
                    .maxNumberLength(READER_MAX_NUMBER_LENGTH).build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)   // as CircuitInputs: no error may quote the input
            .recyclerPool(JsonRecyclerPools.nonRecyclingPool())       // no parser buffer with input text outlives a check
            .build();

    private InputValidator() {}

    /** Summary of a valid input: how many signals and field elements it holds. */
    public record Shape(int signals, int elements) {}

    /** Validates {@code json}; throws naming the signal and the problem. */
    public static Shape validate(byte[] json) throws InvalidCircuitInputException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new InvalidCircuitInputException("input: expected a JSON object of signals");
            int signals = 0, elements = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                if (name.isEmpty()) throw new InvalidCircuitInputException("input: empty signal name");
                p.nextToken();
                elements += value(p, new StringBuilder(name), 0);
                signals++;
            }
            if (p.nextToken() != null) throw new InvalidCircuitInputException("input: trailing data after the JSON object");
            if (signals == 0) throw new InvalidCircuitInputException("input: no signals");
            return new Shape(signals, elements);
        } catch (JsonParseException e) { // where, not the parser's own words: they quote the input and name its settings
            throw new InvalidCircuitInputException("input: malformed JSON at line " + e.getLocation().getLineNr()
                    + " column " + e.getLocation().getColumnNr() + (e instanceof JsonEOFException ? ": the document ends early" : ""));
        } catch (StreamConstraintsException e) { // the reader's limits, above the ones checked here (numbers, nesting)
            throw new InvalidCircuitInputException("input: a number of more than " + READER_MAX_NUMBER_LENGTH
                    + " digits, or a value beyond the JSON reader's limits; field elements have at most " + MAX_DECIMAL_DIGITS + " digits");
        } catch (IOException e) {
            throw new InvalidCircuitInputException("input: unreadable JSON");
        }
    }

    private static int value(JsonParser p, StringBuilder path, int depth) throws IOException, InvalidCircuitInputException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_ARRAY -> {
                if (depth >= MAX_DEPTH)
                    throw new InvalidCircuitInputException("input signal '" + path + "': nested too deeply (arrays deeper than " + MAX_DEPTH + " levels)");
                int n = 0, i = 0, len = path.length();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    path.append('[').append(i++).append(']');
                    n += value(p, path, depth + 1);
                    path.setLength(len);
                }
                if (i == 0) throw new InvalidCircuitInputException("input signal '" + path + "': empty array");
                return n;
            }
            case VALUE_NUMBER_INT -> {
                if (p.getTextLength() > MAX_DECIMAL_DIGITS) {
                    if (p.getTextCharacters()[p.getTextOffset()] == '-') throw negative(path);
                    throw tooLarge(path, MAX_DECIMAL_DIGITS + " decimal digits");
                }
                check(p.getBigIntegerValue(), path);
                return 1;
            }
            case VALUE_STRING -> {
                check(parse(p.getText(), path), path);
                return 1;
            }
            case VALUE_NUMBER_FLOAT -> throw new InvalidCircuitInputException("input signal '" + path + "': not an integer");
            default -> throw new InvalidCircuitInputException("input signal '" + path + "': expected a number, a numeric string or an array, got "
                    + t.asString());
        }
    }

    private static BigInteger parse(String s, CharSequence path) throws InvalidCircuitInputException {
        String v = s.strip();
        boolean hex = v.startsWith("0x") || v.startsWith("0X");
        boolean signed = !hex && (v.startsWith("-") || v.startsWith("+"));
        String digits = hex ? v.substring(2) : signed ? v.substring(1) : v;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')))
            throw new InvalidCircuitInputException("input signal '" + path + "': not a decimal or 0x-hex integer");
        if (digits.length() > (hex ? MAX_HEX_DIGITS : MAX_DECIMAL_DIGITS)) {
            if (v.startsWith("-")) throw negative(path);
            throw tooLarge(path, hex ? MAX_HEX_DIGITS + " hex digits" : MAX_DECIMAL_DIGITS + " decimal digits");
        }
        return hex ? new BigInteger(digits, 16) : new BigInteger(v);
    }

    private static InvalidCircuitInputException tooLarge(CharSequence path, String digits) {
        return new InvalidCircuitInputException("input signal '" + path + "': too large (more than " + digits
                + "); field elements are 0 ≤ x < r");
    }

    private static InvalidCircuitInputException negative(CharSequence path) {
        return new InvalidCircuitInputException("input signal '" + path + "': negative value; field elements are 0 ≤ x < r");
    }

    private static void check(BigInteger v, CharSequence path) throws InvalidCircuitInputException {
        if (v.signum() < 0) throw negative(path);
        if (v.compareTo(R) >= 0) throw new InvalidCircuitInputException("input signal '" + path + "': value ≥ r (the BN254 scalar field modulus); refused, not reduced");
    }
}
