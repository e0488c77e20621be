package org.ppfarm.prover.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.FormatException;

/**
 * The public signals of a proof (the circuit's outputs then public inputs, as snarkjs orders them): elements of
 * Fr in standard form (not Montgomery), 4 little-endian limbs each, every one below r — checked on construction,
 * {@link FormatException} naming the index otherwise. Reads and writes snarkjs's public.json (an array of decimal
 * strings). Immutable, thread-safe.
 */
public final class PublicSignals {
    private final long[] values;

    private PublicSignals(long[] values) { this.values = values; }

    public static PublicSignals of(BigInteger... signals) { return of(List.of(signals)); }

    public static PublicSignals of(List<BigInteger> signals) {
        long[] v = new long[4 * signals.size()];
        for (int i = 0; i < signals.size(); i++) {
            BigInteger s = signals.get(i);
            if (s.signum() < 0 || s.compareTo(SnarkjsJson.R) >= 0)
                throw new FormatException("public signals", "[" + i + "]", "value is not in [0, r)");
            System.arraycopy(Field.limbs(s), 0, v, 4 * i, 4);
        }
        return new PublicSignals(v);
    }

    /** n signals from standard-form Fr limbs at {@code limbs[off ..]} (e.g. witness entries 1..nPublic). */
    public static PublicSignals ofStandardLimbs(long[] limbs, int off, int n) {
        long[] v = new long[4 * n];
        System.arraycopy(limbs, off, v, 0, 4 * n);
        for (int i = 0; i < n; i++)
            if (!Field.FR.isCanonical(v, 4 * i)) throw new FormatException("public signals", "[" + i + "]", "value is not below r");
        return new PublicSignals(v);
    }

    public int size() { return values.length / 4; }

    public BigInteger get(int i) {
        java.util.Objects.checkIndex(i, size());
        return Field.standardToBigInteger(values, 4 * i);
    }

    /** All signals as standard-form limbs, 4 per signal (a copy). */
    public long[] standardLimbs() { return values.clone(); }

    long[] ref() { return values; }

    public static PublicSignals readJson(Path file) { return parseJson(SnarkjsJson.readFile(file), file.toString()); }

    /** Parses public.json: an array of decimal strings, each below r. */
    public static PublicSignals parseJson(String text, String source) {
        JsonNode root = SnarkjsJson.parse(text, source);
        if (!root.isArray()) SnarkjsJson.array(root, -1, source, "document");
        List<BigInteger> v = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) v.add(SnarkjsJson.decimal(root.get(i), SnarkjsJson.R, source, "[" + i + "]"));
        return of(v);
    }

    /** public.json exactly as snarkjs writes it. */
    public String toJson() {
        List<BigInteger> v = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) v.add(get(i));
        return SnarkjsJson.write(v);
    }

    public void writeJson(Path file) { SnarkjsJson.writeFile(file, toJson()); }

    @Override
    public boolean equals(Object o) { return o instanceof PublicSignals p && java.util.Arrays.equals(values, p.values); }

    @Override
    public int hashCode() { return java.util.Arrays.hashCode(values); }

    @Override
    public String toString() { return "PublicSignals[" + size() + "]"; }
}
