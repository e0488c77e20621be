package org.ppfarm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Small circom circuits that exercise the shapes a Groth16 engine and a witness calculator must get right, each
 * compiled ({@link Circom}), given a development setup ({@link DevSetup}) and paired with a generator of valid
 * inputs. Sources: {@code src/main/resources/org/ppfarm/testkit/circuits}.
 *
 * <p>Counts as {@code snarkjs r1cs info} reports them (checked by TestCircuitsTest):
 * <pre>
 * fixture            constraints  nPublic  rows (c+nPub+1)  domain
 * onePublic()                  1        1                3   2^2
 * manyPublic()                40       22               63   2^6
 * belowPowerOfTwo()         1021        2             1024   2^10 (exactly full)
 * abovePowerOfTwo()         1022        2             1025   2^11
 * assertion()                  2        2                5   2^3
 * poseidon()                1537        4             1542   2^11
 * </pre>
 * Fixtures are built once per JVM and cached on disk across runs; the first run on a fresh machine spends about
 * 40 s on the shared power-11 ptau ({@link DevSetup}).
 */
public final class TestCircuits {
    private TestCircuits() {}

    /** The BN254 scalar field order r. */
    public static final BigInteger R = new BigInteger(
            "21888242871839275222246405745257275088548364400416034343698204186575808495617");

    /**
     * A ready circuit.
     *
     * @param circuit its compiler outputs (r1cs, wasm, sym)
     * @param keys    its development zkey and verification key
     * @param info    the r1cs header counts
     */
    public record Fixture(Circom.Compiled circuit, DevSetup.Keys keys, Snarkjs.R1csInfo info, LongFunction<String> inputs) {
        public String name() { return circuit.name(); }
        public Path r1cs() { return circuit.r1cs(); }
        public Path wasm() { return circuit.wasm(); }
        public Path sym() { return circuit.sym(); }
        public Path zkey() { return keys.zkey(); }
        public Path vkey() { return keys.vkey(); }

        /** A valid input JSON (snarkjs's input format, decimal strings), a deterministic function of the seed. */
        public String input(long seed) { return inputs.apply(seed); }

        /** {@code input(1)}. */
        public String exampleInput() { return input(1); }

        /**
         * Writes {@code input(seed)} to {@code dir/input.json}, computes the witness with snarkjs and proves with
         * snarkjs: the reference outputs an implementation under test is compared with.
         */
        public Reference reference(Path dir, long seed) {
            try {
                Files.createDirectories(dir);
                Path in = Files.writeString(dir.resolve("input.json"), input(seed));
                Reference ref = new Reference(in, dir.resolve("witness.wtns"), dir.resolve("proof.json"), dir.resolve("public.json"));
                Snarkjs.wtnsCalculate(wasm(), ref.input(), ref.wtns());
                Snarkjs.groth16Prove(zkey(), ref.wtns(), ref.proof(), ref.publicJson());
                return ref;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write under " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Files produced by {@link Fixture#reference}: input.json, snarkjs's witness, proof and public signals. */
    public record Reference(Path input, Path wtns, Path proof, Path publicJson) {}

    private static final ConcurrentHashMap<String, Fixture> BUILT = new ConcurrentHashMap<>();

    /** One public input, no outputs, 1 constraint: x = w². */
    public static Fixture onePublic() {
        return fixture("one_public", seed -> {
            Random rnd = new Random(seed);
            BigInteger w = element(rnd);
            return json("x", w.multiply(w).mod(R), "w", w);
        });
    }

    /**
     * {@link #onePublic()} with its inputs renamed ({@code y === v * v}): the same constraint over the same witness
     * layout [1, y, v], so one_public's zkey and vkey prove it, but its wasm is another program, which takes
     * {@code y} and {@code v} where one_public's takes {@code x} and {@code w}. Two circuits sharing a zkey but not a
     * wasm, as a farm must keep apart. Its inputs are one_public's, renamed.
     */
    public static Fixture onePublicRenamed() {
        Fixture f = BUILT.get("one_public_renamed");
        if (f != null) return f;
        Fixture base = onePublic();
        f = new Fixture(Circom.compile("one_public_renamed", source("one_public_renamed")), base.keys(), base.info(),
                seed -> base.input(seed).replace("\"x\"", "\"y\"").replace("\"w\"", "\"v\""));
        Fixture prev = BUILT.putIfAbsent("one_public_renamed", f);
        return prev != null ? prev : f;
    }

    /** 20 public inputs and 2 outputs (22 public signals): sum = Σ in[i]·k, prod = Π in[i]. */
    public static Fixture manyPublic() {
        return fixture("many_public", seed -> {
            Random rnd = new Random(seed);
            StringBuilder sb = new StringBuilder("{\"in\":[");
            for (int i = 0; i < 20; i++) sb.append(i == 0 ? "" : ",").append('"').append(element(rnd)).append('"');
            return sb.append("],\"k\":\"").append(element(rnd)).append("\"}").toString();
        });
    }

    /** 1021 constraints + 2 public: exactly fills a 2^10 domain. */
    public static Fixture belowPowerOfTwo() { return fixture("chain_below", TestCircuits::chainInput); }

    /** 1022 constraints + 2 public: one row past 2^10, so a 2^11 domain. */
    public static Fixture abovePowerOfTwo() { return fixture("chain_above", TestCircuits::chainInput); }

    /** {@code a * b === c}: valid inputs satisfy it; {@link #violatingInput} does not. */
    public static Fixture assertion() {
        return fixture("assert_mul", seed -> {
            Random rnd = new Random(seed);
            BigInteger a = element(rnd), b = element(rnd);
            return json("a", a, "b", b, "c", a.multiply(b).mod(R));
        });
    }

    /** An input for {@link #assertion()} with c = a·b + 1: the witness calculator must fail (AssertMul, line 12). */
    public static String violatingInput(long seed) {
        Random rnd = new Random(seed);
        BigInteger a = element(rnd), b = element(rnd);
        return json("a", a, "b", b, "c", a.multiply(b).add(BigInteger.ONE).mod(R));
    }

    /** circomlib Poseidon(1), Poseidon(2), Poseidon(3); public [h1, h2, h3, c]. */
    public static Fixture poseidon() {
        return fixture("poseidon", seed -> {
            Random rnd = new Random(seed);
            return json("a", element(rnd), "b", element(rnd), "c", element(rnd));
        });
    }

    /** Every fixture above, in the order they are documented. */
    public static List<Fixture> all() {
        return List.of(onePublic(), manyPublic(), belowPowerOfTwo(), abovePowerOfTwo(), assertion(), poseidon());
    }

    /** The circuit's source text, as shipped in this jar. */
    public static String source(String name) {
        String res = "circuits/" + name + ".circom";
        try (InputStream in = TestCircuits.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalArgumentException("no test circuit " + name + " (resource " + res + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + res + ": " + e.getMessage(), e);
        }
    }

    /** A uniformly random canonical field element (0 ≤ x &lt; r), deterministic in the generator's state. */
    public static BigInteger element(Random rnd) {
        BigInteger x;
        do x = new BigInteger(254, rnd); while (x.compareTo(R) >= 0);
        return x;
    }

    private static String chainInput(long seed) {
        Random rnd = new Random(seed);
        return json("x", element(rnd), "w", element(rnd));
    }

    private static Fixture fixture(String name, LongFunction<String> inputs) {
        Fixture f = BUILT.get(name);
        if (f != null) return f;
        // Built outside computeIfAbsent: building takes seconds and must not block other fixtures' builders.
        Circom.Compiled c = Circom.compile(name, source(name));
        Snarkjs.R1csInfo info = Snarkjs.r1csInfo(c.r1cs());
        f = new Fixture(c, DevSetup.setup(c, info), info, inputs);
        Fixture prev = BUILT.putIfAbsent(name, f);
        return prev != null ? prev : f;
    }

    private static String json(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append('"').append(kv[i]).append("\":\"").append(kv[i + 1]).append('"');
        }
        return sb.append('}').toString();
    }
}
