package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.testkit.Node;

/** Input value syntax against its references: JavaScript's BigInt (what snarkjs applies) and BigInteger. */
class FieldParserTest {
    static final BigInteger P = Field.FR.modulus();

    static FieldParser.Status parse(String s, long[] out) {
        return FieldParser.parse(s.toCharArray(), 0, s.length(), false, out, 0);
    }

    @Test
    void acceptsExactlyWhatBigIntAcceptsWithinTheField() throws Exception {
        List<String> cases = new ArrayList<>(List.of("0", "1", "007", " 42 ", "\t42\n", "\u00a042\u2028", "+5", "-5", "-0", "+0",
                "0x1f", "0X1F", "0x0", "0o17", "0O17", "0b101", "0B11", "1e3", "1.0", "1_000", "abc", "0x", "-0x5", "+0x5", "--5", "+-5",
                "5 5", "0x1g", "0b2", "0o8", "\u0663", "\uff11", "0x" + "f".repeat(64), "1" + "0".repeat(80),
                P.subtract(BigInteger.ONE).toString(), P.toString(), P.add(BigInteger.ONE).toString(),
                "-" + P.subtract(BigInteger.ONE), "-" + P, "0x" + P.toString(16), "0x" + P.subtract(BigInteger.ONE).toString(16),
                "0b" + P.subtract(BigInteger.TWO).toString(2), "0o" + P.subtract(BigInteger.TEN).toString(8)));
        Random rnd = new Random(5);
        for (int i = 0; i < 40; i++) {
            BigInteger x = new BigInteger(1 + rnd.nextInt(256), rnd);
            cases.add(switch (i % 4) { case 0 -> x.toString(); case 1 -> "0x" + x.toString(16); case 2 -> "-" + x; default -> " " + x + " "; });
        }
        ObjectMapper json = new ObjectMapper();
        String script = "const p = " + P + "n; const out = JSON.parse(process.argv[1]).map(s => { try { const v = BigInt(s);"
                + " return (v >= p || -v >= p) ? 'range' : (((v % p) + p) % p).toString(); } catch (e) { return 'error'; } });"
                + " console.log(JSON.stringify(out));";
        String[] js = json.readValue(Node.node(List.of("-e", script, json.writeValueAsString(cases))).orThrow("node BigInt").stdout(), String[].class);
        long[] out = new long[4];
        for (int i = 0; i < cases.size(); i++) {
            String s = cases.get(i);
            FieldParser.Status st = parse(s, out);
            String what = "'" + s + "' (BigInt: " + js[i] + ")";
            switch (js[i]) {
                case "error" -> assertEquals(FieldParser.Status.NOT_A_NUMBER, st, what);
                case "range" -> assertEquals(FieldParser.Status.OUT_OF_RANGE, st, what);
                default -> {
                    if (s.isBlank()) {
                        assertEquals(FieldParser.Status.NOT_A_NUMBER, st, what + ": blank is refused on purpose");
                    } else {
                        assertEquals(FieldParser.Status.OK, st, what);
                        assertEquals(new BigInteger(js[i]), Field.standardToBigInteger(out, 0), what);
                    }
                }
            }
        }
    }

    @Test
    void blankStringsAreRefusedThoughBigIntReadsThemAsZero() {
        long[] out = new long[4];
        assertEquals(FieldParser.Status.NOT_A_NUMBER, parse("", out));
        assertEquals(FieldParser.Status.NOT_A_NUMBER, parse("  \t", out));
    }

    @Test
    void randomValuesRoundTripAgainstBigInteger() {
        Random rnd = new Random(11);
        long[] out = new long[8];
        for (int i = 0; i < 2000; i++) {
            BigInteger x = new BigInteger(1 + rnd.nextInt(260), rnd);
            boolean negative = rnd.nextBoolean();
            String s = (negative ? "-" : "") + x.toString(10);
            if (!negative && rnd.nextBoolean()) s = "0x" + x.toString(16);
            FieldParser.Status st = FieldParser.parse(s.toCharArray(), 0, s.length(), false, out, 4);
            if (x.compareTo(P) >= 0) {
                assertEquals(FieldParser.Status.OUT_OF_RANGE, st, s);
            } else {
                assertEquals(FieldParser.Status.OK, st, s);
                assertEquals(negative ? P.subtract(x).mod(P) : x, Field.standardToBigInteger(out, 4), s);
            }
        }
    }

    @Test
    void jsonNumbersMustBeExactInJavaScript() {
        long[] out = new long[4];
        String safe = Long.toString(FieldParser.MAX_SAFE_INTEGER);
        assertEquals(FieldParser.Status.OK, FieldParser.parse(safe.toCharArray(), 0, safe.length(), true, out, 0));
        assertEquals(BigInteger.valueOf(FieldParser.MAX_SAFE_INTEGER), Field.standardToBigInteger(out, 0));
        String unsafe = Long.toString(FieldParser.MAX_SAFE_INTEGER + 2);
        assertEquals(FieldParser.Status.NOT_A_NUMBER, FieldParser.parse(unsafe.toCharArray(), 0, unsafe.length(), true, out, 0));
        assertEquals(FieldParser.Status.OK, FieldParser.fromDouble(-3.0, out, 0));
        assertEquals(P.subtract(BigInteger.valueOf(3)), Field.standardToBigInteger(out, 0));
        assertEquals(FieldParser.Status.NOT_A_NUMBER, FieldParser.fromDouble(0.5, out, 0));
        assertEquals(FieldParser.Status.NOT_A_NUMBER, FieldParser.fromDouble(1e300, out, 0));
        assertEquals(FieldParser.Status.NOT_A_NUMBER, FieldParser.fromDouble(Double.NaN, out, 0));
        assertEquals(FieldParser.Status.OK, FieldParser.fromLong(Long.MIN_VALUE, out, 0));
        assertEquals(P.subtract(BigInteger.ONE.shiftLeft(63)), Field.standardToBigInteger(out, 0));
    }
}
