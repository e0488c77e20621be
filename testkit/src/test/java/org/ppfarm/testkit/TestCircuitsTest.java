package org.ppfarm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every test circuit compiles, has the documented shape, and its development keys prove and verify with snarkjs. */
class TestCircuitsTest {

    static Stream<Arguments> shapes() {
        // name, constraints, public inputs, outputs, domain power: what circom 2.2.3 --O1 and snarkjs report
        return Stream.of(
                Arguments.of("one_public", 1, 1, 0, 2),
                Arguments.of("many_public", 40, 20, 2, 6),
                Arguments.of("chain_below", 1021, 1, 1, 10),
                Arguments.of("chain_above", 1022, 1, 1, 11),
                Arguments.of("assert_mul", 2, 1, 1, 3),
                Arguments.of("poseidon", 1537, 1, 3, 11));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void compilesWithDocumentedShapeAndProves(String name, long constraints, long pubIn, long outputs, int power,
                                              @TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.all().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        assertEquals(constraints, f.info().constraints(), "constraints");
        assertEquals(pubIn, f.info().publicInputs(), "public inputs");
        assertEquals(outputs, f.info().outputs(), "outputs");
        assertEquals(power, f.info().domainPower(), "domain power");
        assertEquals(power, zkeyDomainPower(f.zkey()), "domain power in the zkey header");
        for (Path p : List.of(f.r1cs(), f.wasm(), f.sym(), f.zkey(), f.vkey())) assertTrue(Files.size(p) > 0, p.toString());

        TestCircuits.Reference ref = f.reference(tmp, 7);
        assertTrue(Snarkjs.wtnsCheck(f.r1cs(), ref.wtns()), "witness satisfies the r1cs");
        assertTrue(Snarkjs.groth16Verify(f.vkey(), ref.publicJson(), ref.proof()), "snarkjs accepts its own proof");
        assertEquals(f.info().nPublic(), publicSignals(ref.publicJson()).size());

        // the same proof against a changed public signal must be rejected: verify is not vacuous
        List<String> pub = publicSignals(ref.publicJson());
        pub.set(0, new BigInteger(pub.get(0)).add(BigInteger.ONE).mod(TestCircuits.R).toString());
        Path tampered = Files.writeString(tmp.resolve("tampered.json"), jsonArray(pub));
        assertFalse(Snarkjs.groth16Verify(f.vkey(), tampered, ref.proof()), "changed public signal rejected");
    }

    @Test
    void inputsAreDeterministicPerSeedAndDistinctAcrossSeeds() {
        TestCircuits.Fixture f = TestCircuits.manyPublic();
        assertEquals(f.input(3), f.input(3));
        assertNotEquals(f.input(3), f.input(4));
    }

    @Test
    void manyPublicOutputsMatchBigIntegerArithmetic(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.manyPublic();
        TestCircuits.Reference ref = f.reference(tmp, 11);
        List<String> in = numbers(Files.readString(ref.input()));
        BigInteger k = new BigInteger(in.get(20)), sum = BigInteger.ZERO, prod = BigInteger.ONE;
        for (int i = 0; i < 20; i++) {
            BigInteger x = new BigInteger(in.get(i));
            sum = sum.add(x.multiply(k));
            prod = prod.multiply(x).mod(TestCircuits.R);
        }
        List<String> pub = publicSignals(ref.publicJson());
        assertEquals(sum.mod(TestCircuits.R).toString(), pub.get(0));
        assertEquals(prod.toString(), pub.get(1));
        assertEquals(in.subList(0, 20), pub.subList(2, 22));
    }

    @Test
    void poseidonOutputsMatchCircomlibjs(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.poseidon();
        TestCircuits.Reference ref = f.reference(tmp, 5);
        List<String> in = numbers(Files.readString(ref.input()));
        String js = """
                const { buildPoseidon } = require('circomlibjs');
                (async () => {
                  const p = await buildPoseidon();
                  const [a, b, c] = process.argv.slice(1).map(BigInt);
                  const h = xs => p.F.toString(p(xs));
                  const h2 = h([a, b]);
                  console.log([h([a]), h2, h([c, b, BigInt(h2)]), c.toString()].join(' '));
                })();
                """;
        String out = Node.node(List.of("-e", js, in.get(0), in.get(1), in.get(2))).orThrow("circomlibjs poseidon").stdout().strip();
        assertEquals(List.of(out.split(" ")), publicSignals(ref.publicJson()));
    }

    @Test
    void violatingInputFailsTheAssertion(@TempDir Path tmp) throws Exception {
        TestCircuits.Fixture f = TestCircuits.assertion();
        Path in = Files.writeString(tmp.resolve("bad.json"), TestCircuits.violatingInput(2));
        Node.Result r = Snarkjs.wtnsCalculateResult(f.wasm(), in, tmp.resolve("bad.wtns"));
        assertNotEquals(0, r.exitCode());
        assertTrue((r.stdout() + r.stderr()).contains("Assert Failed"), r.stdout() + r.stderr());
        assertTrue((r.stdout() + r.stderr()).contains("AssertMul"), r.stdout() + r.stderr());
        assertFalse(Files.exists(tmp.resolve("bad.wtns")) && Files.size(tmp.resolve("bad.wtns")) > 0, "no witness written");
    }

    /** log2 of the domain size in the zkey's Groth16 header (section 2), read independently of snarkjs. */
    static int zkeyDomainPower(Path zkey) throws Exception {
        var b = java.nio.ByteBuffer.wrap(Files.readAllBytes(zkey)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(12); // "zkey", version, section count
        while (b.hasRemaining()) {
            int type = b.getInt();
            long size = b.getLong();
            if (type == 2) {
                int n8q = b.getInt();
                b.position(b.position() + n8q);
                int n8r = b.getInt();
                b.position(b.position() + n8r + 4 + 4); // r, nVars, nPublic
                int domainSize = b.getInt();
                assertEquals(1, Integer.bitCount(domainSize));
                return Integer.numberOfTrailingZeros(domainSize);
            }
            b.position(b.position() + (int) size);
        }
        throw new AssertionError("no header section in " + zkey);
    }

    static List<String> publicSignals(Path publicJson) throws Exception { return numbers(Files.readString(publicJson)); }

    /** The decimal-string numbers of a flat JSON object or array, in order. */
    static List<String> numbers(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"(\\d+)\"").matcher(json);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    static String jsonArray(List<String> xs) {
        return "[" + String.join(",", xs.stream().map(x -> "\"" + x + "\"").toList()) + "]";
    }
}
