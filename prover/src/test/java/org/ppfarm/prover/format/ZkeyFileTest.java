package org.ppfarm.prover.format;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Node;

/**
 * The zkey reader against snarkjs: the production commitment key is compared element by element with
 * {@code snarkjs zkey export json}, the withdraw key's header and IC with the shipped withdraw.vkey, and malformed
 * copies must fail with a FormatException naming the section.
 */
class ZkeyFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static byte[] commitment;

    @BeforeAll
    static void load() throws IOException {
        commitment = Files.readAllBytes(Artifacts.commitmentZkey());
    }

    static List<String> g1(long[] p, int off) {
        if (Field.isZero(p, off) && Field.isZero(p, off + 4)) return List.of("0", "1", "0");
        return List.of(Field.FQ.toBigInteger(p, off).toString(), Field.FQ.toBigInteger(p, off + 4).toString(), "1");
    }

    static List<List<String>> g2(long[] p, int off) {
        boolean inf = true;
        for (int i = 0; i < 16; i++) inf &= p[off + i] == 0;
        if (inf) return List.of(List.of("0", "0"), List.of("1", "0"), List.of("0", "0"));
        List<List<String>> out = new ArrayList<>();
        for (int c = 0; c < 2; c++)
            out.add(List.of(Field.FQ.toBigInteger(p, off + 8 * c).toString(), Field.FQ.toBigInteger(p, off + 8 * c + 4).toString()));
        out.add(List.of("1", "0"));
        return out;
    }

    private static Object tree(JsonNode n) { return JSON.convertValue(n, Object.class); }

    @Test
    void commitmentKeyMatchesSnarkjsExportElementByElement(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("commitment.json");
        Node.snarkjs("zkey", "export", "json", Artifacts.commitmentZkey().toString(), json.toString());
        JsonNode ref = JSON.readTree(json.toFile());
        ProvingKey pk = ZkeyFile.read(Artifacts.commitmentZkey());

        assertEquals(ref.get("nVars").asInt(), pk.nVars());
        assertEquals(ref.get("nPublic").asInt(), pk.nPublic());
        assertEquals(ref.get("domainSize").asInt(), pk.domainSize());
        assertEquals(tree(ref.get("vk_alpha_1")), g1(pk.alpha1(), 0));
        assertEquals(tree(ref.get("vk_beta_1")), g1(pk.beta1(), 0));
        assertEquals(tree(ref.get("vk_delta_1")), g1(pk.delta1(), 0));
        assertEquals(tree(ref.get("vk_beta_2")), g2(pk.beta2(), 0));
        assertEquals(tree(ref.get("vk_gamma_2")), g2(pk.gamma2(), 0));
        assertEquals(tree(ref.get("vk_delta_2")), g2(pk.delta2(), 0));
        for (int i = 0; i <= pk.nPublic(); i++) assertEquals(tree(ref.get("IC").get(i)), g1(pk.ic(), 8 * i), "IC " + i);
        long[] pointsA = pk.pointsA().toArray(JAVA_LONG), pointsB1 = pk.pointsB1().toArray(JAVA_LONG),
                pointsB2 = pk.pointsB2().toArray(JAVA_LONG), pointsCH = pk.pointsCH().toArray(JAVA_LONG);
        for (int i = 0; i < pk.nVars(); i++) {
            assertEquals(tree(ref.get("A").get(i)), g1(pointsA, 8 * i), "A " + i);
            assertEquals(tree(ref.get("B1").get(i)), g1(pointsB1, 8 * i), "B1 " + i);
            assertEquals(tree(ref.get("B2").get(i)), g2(pointsB2, 16 * i), "B2 " + i);
            if (i > pk.nPublic()) assertEquals(tree(ref.get("C").get(i)), g1(pointsCH, 8 * (i - pk.nPublic() - 1)), "C " + i);
        }
        for (int i = 0; i < pk.domainSize(); i++) assertEquals(tree(ref.get("hExps").get(i)), g1(pointsCH, pk.hOffset() + 8 * i), "H " + i);

        // coefficients: snarkjs prints c (it divides the stored c·R² by R²); compare as a multiset per (matrix, row)
        List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
        for (JsonNode c : ref.get("ccoefs"))
            expected.add(c.get("matrix").asInt() + "/" + c.get("constraint").asInt() + "/" + c.get("signal").asInt() + "=" + c.get("value").asText());
        ProvingKey.Matrix[] ms = {pk.a(), pk.b()};
        long[] once = new long[4];
        for (int m = 0; m < 2; m++) {
            for (int row = 0; row < ms[m].rows(); row++) {
                for (int k = ms[m].rowStart()[row]; k < ms[m].rowStart()[row + 1]; k++) {
                    Field.FR.fromMontgomery(ms[m].coef(), 4 * k, once, 0);
                    actual.add(m + "/" + row + "/" + ms[m].signal()[k] + "=" + Field.FR.toBigInteger(once, 0));
                }
            }
        }
        expected.sort(null);
        actual.sort(null);
        assertEquals(expected, actual);
    }

    @Test
    void withdrawKeyHeaderAndIcMatchTheShippedVerificationKey() throws IOException {
        JsonNode vk = JSON.readTree(Artifacts.withdrawVkey().toFile());
        ProvingKey pk = ZkeyFile.read(Artifacts.withdrawZkey());
        assertEquals(36901, pk.nVars());
        assertEquals(vk.get("nPublic").asInt(), pk.nPublic());
        assertEquals(1 << 16, pk.domainSize());
        assertEquals(tree(vk.get("vk_alpha_1")), g1(pk.alpha1(), 0));
        assertEquals(tree(vk.get("vk_beta_2")), g2(pk.beta2(), 0));
        assertEquals(tree(vk.get("vk_gamma_2")), g2(pk.gamma2(), 0));
        assertEquals(tree(vk.get("vk_delta_2")), g2(pk.delta2(), 0));
        for (int i = 0; i <= pk.nPublic(); i++) assertEquals(tree(vk.get("IC").get(i)), g1(pk.ic(), 8 * i), "IC " + i);
        assertEquals(35843, pk.a().entries() + pk.b().entries());
    }

    @Test
    void exportedVerificationKeysEqualTheShippedOnes() throws IOException {
        for (Path[] zv : new Path[][] {{Artifacts.withdrawZkey(), Artifacts.withdrawVkey()}, {Artifacts.commitmentZkey(), Artifacts.commitmentVkey()}}) {
            var vk = ZkeyFile.readVerificationKey(zv[0]);
            assertEquals(JSON.readTree(zv[1].toFile()), JSON.readTree(vk.toJson()), zv[0].toString());
        }
        assertEquals(ZkeyFile.read(Artifacts.commitmentZkey()).verificationKey(), ZkeyFile.readVerificationKey(Artifacts.commitmentZkey()));
    }

    // ---- malformed copies of the commitment key ----

    /** Byte offset of section {@code type}'s payload in a container. */
    static int sectionOffset(byte[] file, int type) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt(8), pos = 12;
        for (int i = 0; i < n; i++) {
            int t = b.getInt(pos);
            long size = b.getLong(pos + 4);
            if (t == type) return pos + 12;
            pos += 12 + (int) size;
        }
        throw new AssertionError("no section " + type);
    }

    private static FormatException malformed(Consumer<ByteBuffer> edit) {
        byte[] copy = commitment.clone();
        edit.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return assertThrows(FormatException.class, () -> ZkeyFile.read("bad.zkey", copy));
    }

    private static void assertMessage(FormatException e, String... parts) {
        assertTrue(e.getMessage().startsWith("bad.zkey: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void truncatedFileNamesTheSection() {
        int cut = sectionOffset(commitment, 7) + 1000;
        byte[] copy = java.util.Arrays.copyOf(commitment, cut);
        FormatException e = assertThrows(FormatException.class, () -> ZkeyFile.read("bad.zkey", copy));
        assertMessage(e, "section 7", "truncated");
        FormatException tiny = assertThrows(FormatException.class, () -> ZkeyFile.read("bad.zkey", new byte[5]));
        assertMessage(tiny, "header", "too short");
    }

    @Test
    void flippedMagicIsRejected() {
        assertMessage(malformed(b -> b.put(0, (byte) 'x')), "magic");
    }

    @Test
    void plonkAndFflonkKeysAreNotGroth16() {
        int at = sectionOffset(commitment, 1);
        assertMessage(malformed(b -> b.putInt(at, 2)), "section 1", "not a Groth16 zkey", "PLONK");
        assertMessage(malformed(b -> b.putInt(at, 10)), "section 1", "not a Groth16 zkey", "FFLONK");
    }

    @Test
    void wrongPrimesAreRejected() {
        int at = sectionOffset(commitment, 2);
        assertMessage(malformed(b -> b.put(at + 4, (byte) (b.get(at + 4) ^ 2))), "section 2", "prime q");
        assertMessage(malformed(b -> b.put(at + 40, (byte) (b.get(at + 40) ^ 2))), "section 2", "prime r");
    }

    @Test
    void countsThatDisagreeWithSectionSizesAreRejected() {
        int at = sectionOffset(commitment, 2) + 72; // nVars
        assertMessage(malformed(b -> b.putInt(at, b.getInt(at) + 1)), "section", "size is", "expected");
        int nPub = at + 4;
        assertMessage(malformed(b -> b.putInt(nPub, 5000)), "section 2", "nPublic");
        int domain = at + 8;
        assertMessage(malformed(b -> b.putInt(domain, 3000)), "section 2", "domainSize");
    }

    @Test
    void fieldElementsAtOrAboveTheModulusAreRejected() {
        BigInteger r = Field.FR.modulus(), q = Field.FQ.modulus();
        int coef = sectionOffset(commitment, 4) + 4 + 5 * 44 + 12;
        assertMessage(malformed(b -> putLimbs(b, coef, r)), "section 4 (coefficients)", "entry 5", "not below");
        int pointA = sectionOffset(commitment, 5) + 3 * 64;
        assertMessage(malformed(b -> putLimbs(b, pointA, q)), "section 5 (A points)", "point 3", "not below");
        int pointH = sectionOffset(commitment, 9) + 10 * 64 + 32;
        assertMessage(malformed(b -> putLimbs(b, pointH, q.add(BigInteger.ONE))), "section 9 (H points)", "point 10", "not below");
    }

    @Test
    void pointsOffTheCurveAreRejected() {
        int b2 = sectionOffset(commitment, 7) + 1 * 128 + 64; // y.c0 of B2 point 1 (a non-infinity point)
        assertMessage(malformed(b -> b.put(b2, (byte) (b.get(b2) ^ 1))), "section 7 (B2 points)", "point 1", "not on");
        int c = sectionOffset(commitment, 8) + 2 * 64;
        assertMessage(malformed(b -> b.put(c, (byte) (b.get(c) ^ 1))), "section 8 (C points)", "point 7", "not on");
        int alpha = sectionOffset(commitment, 2) + 84;
        assertMessage(malformed(b -> b.put(alpha, (byte) (b.get(alpha) ^ 1))), "section 2", "alpha1", "not on");
    }

    @Test
    void coefficientIndicesOutOfRangeAreRejected() {
        int entry = sectionOffset(commitment, 4) + 4 + 2 * 44;
        assertMessage(malformed(b -> b.putInt(entry, 2)), "section 4", "entry 2", "matrix 2");
        assertMessage(malformed(b -> b.putInt(entry + 4, 4096)), "section 4", "entry 2", "constraint 4096");
        assertMessage(malformed(b -> b.putInt(entry + 8, 1542)), "section 4", "entry 2", "signal 1542");
        int count = sectionOffset(commitment, 4);
        assertMessage(malformed(b -> b.putInt(count, b.getInt(count) - 1)), "section 4", "declares");
    }

    private static void putLimbs(ByteBuffer b, int at, BigInteger v) {
        long[] l = Field.limbs(v);
        for (int i = 0; i < 4; i++) b.putLong(at + 8 * i, l[i]);
    }
}
