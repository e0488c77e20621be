package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.witness.circom.FrFunctions;
import org.ppfarm.witness.circom.FrFunctions.Kind;
import org.ppfarm.witness.wasm.FunctionOutliner;

/**
 * circom's field functions with ppfarm's kernels against the same functions as circom compiled them: the same wasm
 * (a small test circuit's, whose fr-code is every circom 2 BN254 circuit's), two instances, the same memory before
 * each call; afterwards the same value or the same trap, and the same memory byte for byte.
 */
class FrKernelsTest {
    static final BigInteger P = Field.FR.modulus();
    static final BigInteger R = BigInteger.ONE.shiftLeft(256);
    /** Where the tests put operands: clear of circom's data (the modulus at 608, its scratch words below 2 KiB). */
    static final int WORK = 4096;
    static final int COMPARED = 16384;

    static WasmModule module;
    static Map<String, Integer> index = new HashMap<>();
    static Map<Integer, Kind> recognised;
    static Instance plain;
    static Instance kernels;
    /** circom's data and scratch words as instantiated. */
    static byte[] data;

    @BeforeAll
    static void load() throws Exception {
        byte[] wasm = Files.readAllBytes(References.circuit("spin"));
        module = Parser.parse(wasm);
        int imports = module.importSection().count(ExternalType.FUNCTION);
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            String name = module.nameSection().nameOfFunction(imports + i);
            if (name != null) index.put(name, imports + i);
        }
        recognised = FrFunctions.recognise(module);
        plain = instance(wasm, false);
        kernels = instance(wasm, true);
        data = plain.memory().readBytes(0, WORK);
    }

    static Instance instance(byte[] wasm, boolean fieldKernels) {
        CompiledCircuit c = CompiledCircuit.compile(wasm, module, FunctionOutliner.DEFAULT_MAX_INSTRUCTIONS,
                FunctionOutliner.DEFAULT_CHUNK, fieldKernels);
        WasmModule runs = c.wasm == wasm ? module : Parser.parse(c.wasm);
        return Instance.builder(runs)
                .withImportValues(new CircomRuntime().imports(runs))
                .withMachineFactory(c.machines(runs))
                .withMemoryFactory(ByteArrayMemory::new)
                .build();
    }

    @Test
    void circomsFieldFunctionsAreRecognisedByTheirBodiesAndOnlyThose() {
        Map<Integer, Kind> expected = new TreeMap<>();
        expected.put(index.get("Fr_int_gte"), Kind.INT_GTE);
        expected.put(index.get("Fr_int_add"), Kind.INT_ADD);
        expected.put(index.get("Fr_int_sub"), Kind.INT_SUB);
        expected.put(index.get("Fr_F1m_add"), Kind.F1M_ADD);
        expected.put(index.get("Fr_F1m_sub"), Kind.F1M_SUB);
        expected.put(index.get("Fr_F1m_mul"), Kind.F1M_MUL);
        expected.put(index.get("Fr_F1m_mReduct"), Kind.F1M_MREDUCT);
        expected.put(index.get("Fr_copy"), Kind.COPY);
        assertEquals(expected, new TreeMap<>(recognised));
    }

    @Test
    void anotherPrimeInTheDataRecognisesNothing() throws Exception {
        byte[] wasm = Files.readAllBytes(References.circuit("spin"));
        byte[] r = new byte[32];
        byte[] le = P.toByteArray();
        for (int i = 0; i < 32; i++) r[i] = le[le.length - 1 - i];
        int at = indexOf(wasm, r);
        assertTrue(at > 0, "the modulus is in the data section");
        wasm[at] ^= 2;  // r + 2 (r is odd): the same code, another prime
        assertEquals(Map.of(), FrFunctions.recognise(Parser.parse(wasm)));
    }

    @Test
    void montgomeryProductMatchesOnEdgeAndRandomValues() {
        int f = index.get("Fr_F1m_mul");
        Random rnd = new Random(19);
        List<BigInteger> values = values(rnd, 40);
        for (BigInteger x : values) {
            for (int k = 0; k < 6; k++) {
                BigInteger y = values.get(rnd.nextInt(values.size()));
                compare("Fr_F1m_mul", f, rnd, new long[] {WORK, WORK + 64, WORK + 128}, Map.of(WORK, x, WORK + 64, y));
            }
        }
    }

    @Test
    void addSubtractAndCompareMatchOnEdgeAndRandomValues() {
        Random rnd = new Random(20);
        List<BigInteger> values = values(rnd, 30);
        for (String name : List.of("Fr_int_add", "Fr_int_sub", "Fr_F1m_add", "Fr_F1m_sub", "Fr_int_gte")) {
            int f = index.get(name);
            for (BigInteger x : values) {
                for (int k = 0; k < 5; k++) {
                    BigInteger y = k == 0 ? x : values.get(rnd.nextInt(values.size()));
                    long[] args = name.equals("Fr_int_gte") ? new long[] {WORK, WORK + 64} : new long[] {WORK, WORK + 64, WORK + 128};
                    compare(name, f, rnd, args, Map.of(WORK, x, WORK + 64, y));
                }
            }
        }
    }

    /** The Montgomery reduction of 512-bit values, in place, its carries at 992 and the result wherever it may go. */
    @Test
    void montgomeryReductionMatchesWithItsScratchWords() {
        int f = index.get("Fr_F1m_mReduct");
        Random rnd = new Random(24);
        List<BigInteger> values = values(rnd, 30);
        for (BigInteger lo : values) {
            for (int k = 0; k < 3; k++) {
                BigInteger hi = values.get(rnd.nextInt(values.size()));
                Map<Integer, BigInteger> t = Map.of(WORK, lo, WORK + 32, hi);
                compare("Fr_F1m_mReduct", f, rnd, new long[] {WORK, WORK + 128}, t);
                compare("Fr_F1m_mReduct", f, rnd, new long[] {WORK, WORK + 32}, t);
                compare("Fr_F1m_mReduct", f, rnd, new long[] {WORK, 992}, t);
            }
        }
        int end = kernels.memory().pages() * Memory.PAGE_SIZE;
        BigInteger x = new BigInteger(256, rnd);
        for (long[] args : new long[][] {{WORK, WORK}, {WORK, WORK + 16}, {WORK, 1000}, {WORK, 620}, {960, WORK + 128},
                {600, WORK + 128}, {end - 64, WORK + 128}, {end - 48, WORK + 128}, {WORK, end - 16}}) {
            compare("Fr_F1m_mReduct", f, rnd, args, Map.of(WORK, x, WORK + 32, x));
        }
    }

    /** Output on an input, partly overlapping one, on the modulus; an operand at the memory's end or beyond it. */
    @Test
    void aliasedOverlappingAndOutOfBoundsOperandsMatch() {
        Random rnd = new Random(21);
        int end = kernels.memory().pages() * Memory.PAGE_SIZE;
        BigInteger x = new BigInteger(250, rnd), y = new BigInteger(250, rnd);
        long[][] cases = {
            {WORK, WORK + 64, WORK}, {WORK, WORK + 64, WORK + 64}, {WORK, WORK, WORK}, {WORK, WORK + 64, WORK + 4},
            {WORK, WORK + 64, WORK + 60}, {WORK, WORK + 64, WORK + 8}, {WORK, WORK + 64, 600}, {WORK, WORK + 64, 620},
            {WORK, 608, WORK + 128}, {WORK, WORK + 64, end - 32}, {WORK, WORK + 64, end - 16}, {end - 8, WORK, WORK + 128},
            {WORK, WORK + 64, end}, {-64, WORK, WORK + 128}, {WORK, WORK + 64, 0xfffffff0L},
        };
        for (String name : List.of("Fr_F1m_mul", "Fr_F1m_add", "Fr_F1m_sub", "Fr_int_add", "Fr_int_sub")) {
            for (long[] args : cases) compare(name, index.get(name), rnd, args, Map.of(WORK, x, WORK + 64, y));
        }
        for (long[] args : cases) compare("Fr_int_gte", index.get("Fr_int_gte"), rnd, new long[] {args[0], args[2]}, Map.of(WORK, x));
        for (long[] args : new long[][] {{WORK, WORK + 64}, {WORK, WORK}, {WORK, WORK + 8}, {WORK + 8, WORK}, {WORK + 4, WORK},
                {end - 40, WORK}, {end - 32, WORK}, {WORK, end - 24}, {-8, WORK}}) {
            compare("Fr_copy", index.get("Fr_copy"), rnd, args, Map.of(WORK, x));
        }
    }

    /**
     * A circuit that overwrote circom's modulus: the product and the reduction hand the call back, the sums use the
     * value in memory as circom's code does.
     */
    @Test
    void aChangedModulusInMemoryGivesCircomsResults() {
        Random rnd = new Random(22);
        for (BigInteger q : List.of(P.add(BigInteger.TWO), BigInteger.ONE.shiftLeft(200), R.subtract(BigInteger.ONE))) {
            for (String name : List.of("Fr_F1m_mul", "Fr_F1m_add", "Fr_F1m_sub", "Fr_F1m_mReduct")) {
                long[] args = name.equals("Fr_F1m_mReduct") ? new long[] {WORK, WORK + 128} : new long[] {WORK, WORK + 64, WORK + 128};
                compare(name, index.get(name), rnd, args,
                        Map.of(WORK, new BigInteger(254, rnd), WORK + 64, new BigInteger(254, rnd), 608, q));
            }
        }
    }

    /**
     * circom's element-level operations, which call the replaced functions, on every form: short (positive and
     * negative), long normal and long Montgomery; their results go through the same code in both instances.
     */
    @Test
    void elementOperationsOnEveryFormMatch() {
        Random rnd = new Random(23);
        List<byte[]> elements = new ArrayList<>();
        for (int s : new int[] {0, 1, -1, 7, -7, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x40000000}) elements.add(shortElement(s));
        for (BigInteger v : values(rnd, 12)) {
            BigInteger reduced = v.mod(P);
            elements.add(longElement(reduced, false));
            elements.add(longElement(reduced.multiply(R).mod(P), true));
        }
        for (String name : List.of("Fr_mul", "Fr_add", "Fr_sub", "Fr_copy", "Fr_toMontgomery", "Fr_toNormal", "Fr_neg",
                "Fr_eq", "Fr_lt", "Fr_toInt")) {
            int f = index.get(name);
            for (byte[] a : elements) {
                for (int k = 0; k < 4; k++) {
                    byte[] b = elements.get(rnd.nextInt(elements.size()));
                    long[] args = switch (name) {
                        case "Fr_copy", "Fr_neg" -> new long[] {WORK + 128, WORK};
                        case "Fr_toMontgomery", "Fr_toNormal", "Fr_toInt" -> new long[] {WORK};
                        default -> new long[] {WORK + 128, WORK, WORK + 64};
                    };
                    compareBytes(name, f, rnd, args, Map.of(WORK, a, WORK + 64, b));
                }
            }
        }
    }

    /**
     * Puts circom's data back (a call may have overwritten its modulus), fills the work area of both memories with the
     * same random bytes, puts {@code values} (256-bit, little-endian) at their addresses, calls function {@code f} in
     * both instances and compares the results and the memories.
     */
    static void compare(String name, int f, Random rnd, long[] args, Map<Integer, BigInteger> values) {
        Map<Integer, byte[]> bytes = new TreeMap<>();
        values.forEach((at, v) -> bytes.put(at, limbs(v)));
        compareBytes(name, f, rnd, args, bytes);
    }

    static void compareBytes(String name, int f, Random rnd, long[] args, Map<Integer, byte[]> contents) {
        byte[] noise = new byte[COMPARED - WORK];
        rnd.nextBytes(noise);
        for (Instance i : List.of(plain, kernels)) {
            i.memory().write(0, data);
            i.memory().write(WORK, noise);
            contents.forEach((at, b) -> i.memory().write(at, b));
        }
        String what = name + " " + java.util.Arrays.toString(args) + " on " + contents.keySet();
        String expected = call(plain, f, args);
        assertEquals(expected, call(kernels, f, args), what);
        int size = plain.memory().pages() * Memory.PAGE_SIZE;
        assertEquals(size, kernels.memory().pages() * Memory.PAGE_SIZE);
        assertArrayEquals(plain.memory().readBytes(0, COMPARED), kernels.memory().readBytes(0, COMPARED), what);
        assertArrayEquals(plain.memory().readBytes(size - 64, 64), kernels.memory().readBytes(size - 64, 64), what);
    }

    /** The returned values, or the trap's class (its message names the machine's addresses, the same in both). */
    static String call(Instance instance, int f, long[] args) {
        try {
            return java.util.Arrays.toString(instance.getMachine().call(f, args.clone()));
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    /** 0, 1, 2, r − 1, r, r + 1, 2^255, 2^256 − 1, R mod r, R² mod r, and random values below r and below 2^256. */
    static List<BigInteger> values(Random rnd, int random) {
        List<BigInteger> v = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                P.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE), BigInteger.ONE.shiftLeft(255),
                R.subtract(BigInteger.ONE), R.mod(P), R.multiply(R).mod(P), BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE)));
        for (int i = 0; i < random; i++) v.add(i % 3 == 2 ? new BigInteger(256, rnd) : new BigInteger(254, rnd).mod(P));
        return v;
    }

    static byte[] limbs(BigInteger v) {
        byte[] out = new byte[32];
        byte[] be = v.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) out[i] = be[be.length - 1 - i];
        return out;
    }

    /** circom's element: i32 short value, i32 type (bit 31 long, bit 30 Montgomery), 32 bytes of long value. */
    static byte[] shortElement(int v) {
        byte[] e = new byte[40];
        java.nio.ByteBuffer.wrap(e).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(v).putInt(0);
        return e;
    }

    static byte[] longElement(BigInteger v, boolean montgomery) {
        byte[] e = new byte[40];
        java.nio.ByteBuffer.wrap(e).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(montgomery ? 0xC0000000 : 0x80000000)
                .put(limbs(v));
        return e;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
