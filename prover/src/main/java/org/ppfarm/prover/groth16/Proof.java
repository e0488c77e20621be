package org.ppfarm.prover.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ppfarm.prover.format.FormatException;

/**
 * A Groth16 proof (A ∈ G1, B ∈ G2, C ∈ G1) as affine Montgomery-form points (8/16/8 longs, infinity all zeros).
 *
 * <p>Valid by construction: coordinates below q, points on their curves, B in the G2 subgroup — otherwise
 * {@link FormatException} naming pi_a, pi_b or pi_c — so the verifier only has to decide valid or invalid.
 * Reads and writes snarkjs's proof.json byte for byte ({@code snarkjs groth16 prove}). Immutable, thread-safe.
 */
public final class Proof {
    private final long[] a, b, c;

    private Proof(long[] a, long[] b, long[] c) {
        this.a = a;
        this.b = b;
        this.c = c;
    }

    /** A proof from affine Montgomery-form points (copied and checked); errors name the source "proof". */
    public static Proof of(long[] a, long[] b, long[] c) { return of(a, b, c, "proof"); }

    static Proof of(long[] a, long[] b, long[] c, String source) {
        Points.checkG1(a, source, "pi_a", true);
        Points.checkG2(b, source, "pi_b", true);
        Points.checkG1(c, source, "pi_c", true);
        return new Proof(a.clone(), b.clone(), c.clone());
    }

    public long[] a() { return a.clone(); }
    public long[] b() { return b.clone(); }
    public long[] c() { return c.clone(); }

    // package-private views without copying, for the verifier and calldata
    long[] aRef() { return a; }
    long[] bRef() { return b; }
    long[] cRef() { return c; }

    public static Proof readJson(Path file) { return parseJson(SnarkjsJson.readFile(file), file.toString()); }

    /** Parses snarkjs's proof.json; "protocol" and "curve", when present, must be "groth16" and "bn128". */
    public static Proof parseJson(String text, String source) {
        JsonNode root = SnarkjsJson.parse(text, source);
        SnarkjsJson.expectObject(root, source);
        SnarkjsJson.expectText(root, "protocol", VerificationKey.PROTOCOL, false, source);
        SnarkjsJson.expectText(root, "curve", VerificationKey.CURVE, false, source);
        long[] a = SnarkjsJson.g1(SnarkjsJson.field(root, "pi_a", source), source, "pi_a", true);
        long[] b = SnarkjsJson.g2(SnarkjsJson.field(root, "pi_b", source), source, "pi_b", true);
        long[] c = SnarkjsJson.g1(SnarkjsJson.field(root, "pi_c", source), source, "pi_c", true);
        return new Proof(a, b, c);
    }

    /** proof.json exactly as {@code snarkjs groth16 prove} writes it. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pi_a", Points.g1Object(a, 0));
        m.put("pi_b", Points.g2Object(b, 0));
        m.put("pi_c", Points.g1Object(c, 0));
        m.put("protocol", VerificationKey.PROTOCOL);
        m.put("curve", VerificationKey.CURVE);
        return SnarkjsJson.write(m);
    }

    public void writeJson(Path file) { SnarkjsJson.writeFile(file, toJson()); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proof p && Arrays.equals(a, p.a) && Arrays.equals(b, p.b) && Arrays.equals(c, p.c);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(a) * 31 + Arrays.hashCode(c); }

    @Override
    public String toString() { return "Proof[groth16/bn128]"; }
}
