package org.ppfarm.witness;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The validator's refusals name the signal and the problem in its own words, never the JSON reader's (issue 13, finding 7). */
class InputValidatorTest {
    static String refusal(String json) {
        return assertThrows(InvalidCircuitInputException.class, () -> InputValidator.validate(json.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    static String with(String label) { return "{\"value\":\"1\",\"label\":" + label + "}"; }

    @Test
    void numbersOfMoreDigitsThanRAreTooLargeNotMalformed() throws InvalidCircuitInputException {
        assertEquals("input signal 'label': too large (more than 78 decimal digits); field elements are 0 ≤ x < r",
                refusal(with("\"" + "7".repeat(79) + "\"")));
        assertEquals("input signal 'label': too large (more than 78 decimal digits); field elements are 0 ≤ x < r",
                refusal(with("7".repeat(120))));
        assertEquals("input signal 'label': too large (more than 64 hex digits); field elements are 0 ≤ x < r",
                refusal(with("\"0x" + "f".repeat(65) + "\"")));
        assertEquals("input signal 'label': negative value; field elements are 0 ≤ x < r", refusal(with("-" + "7".repeat(120))));
        assertEquals("input signal 'label': not a decimal or 0x-hex integer", refusal(with("\"12ab\"")));
        assertEquals("input signal 'label': not a decimal or 0x-hex integer", refusal(with("\"\u0663\"")));  // an Arabic-Indic 3
        assertEquals("input: a number of more than 1000 digits, or a value beyond the JSON reader's limits; field elements "
                + "have at most 78 digits", refusal(with("7".repeat(1001))));
        // 78 digits, leading zeros, a sign and hex in either case still read as before
        InputValidator.validate(with("\"" + "0".repeat(77) + "5\"").getBytes(StandardCharsets.UTF_8));
        InputValidator.validate(with("[\"+5\", \"0XaB\", 7]").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deepNestingIsNestedTooDeeplyNamingTheSignal() throws InvalidCircuitInputException {
        assertEquals("input signal 'label[0][0][0][0][0][0][0][0]': nested too deeply (arrays deeper than 8 levels)",
                refusal(with("[".repeat(100_000) + "1" + "]".repeat(100_000))));
        InputValidator.validate(with("[".repeat(8) + "1" + "]".repeat(8)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void malformedJsonIsPlacedNotQuoted() {
        assertEquals("input: malformed JSON at line 1 column 22", refusal(with("/* a comment */ \"2\"")));
        assertEquals("input: malformed JSON at line 1 column 22: the document ends early", refusal("{\"value\":\"1\",\"label\":"));
    }
}
