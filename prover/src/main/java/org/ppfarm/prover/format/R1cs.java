package org.ppfarm.prover.format;

import org.ppfarm.prover.bn254.Field;

/**
 * A circom rank-1 constraint system over BN254 Fr: constraint i demands ⟨A_i, w⟩ · ⟨B_i, w⟩ = ⟨C_i, w⟩ for the full
 * witness w (wire 0 is the constant 1, then outputs, public inputs, private inputs, internal wires).
 *
 * <p>Immutable; the arrays are shared, callers must not modify them.
 *
 * @param labels wire → label id (the symbol-file index of the signal the wire carries)
 */
public record R1cs(int nWires, int nOutputs, int nPublicInputs, int nPrivateInputs, long nLabels,
                   Matrix a, Matrix b, Matrix c, long[] labels) {

    /**
     * One matrix in compressed-row form: constraint i holds terms {@code rowStart[i] ≤ k < rowStart[i+1]}, each
     * {@code value[4k..4k+3]} (Montgomery-form Fr) times wire {@code wire[k]}.
     */
    public record Matrix(int[] rowStart, int[] wire, long[] value) {
        public int terms() { return wire.length; }
    }

    public int nConstraints() { return a.rowStart().length - 1; }

    /** Public signals in a proof's public.json: outputs then public inputs. */
    public int nPublic() { return nOutputs + nPublicInputs; }

    /**
     * The first constraint the witness violates, or −1 if it satisfies all. A debugging aid: the prover does not
     * need it, since a proof from an unsatisfying witness fails verification.
     */
    public int firstUnsatisfied(Witness w) {
        if (w.size() != nWires) throw new IllegalArgumentException("witness has " + w.size() + " signals, circuit has " + nWires + " wires");
        Field f = Field.FR;
        long[] mont = new long[4 * nWires];
        long[] std = w.limbs();
        for (int i = 0; i < nWires; i++) f.toMontgomery(std, 4 * i, mont, 4 * i);
        long[] t = new long[16];
        try {
            for (int i = 0; i < nConstraints(); i++) {
                dot(a, i, mont, t, 0);
                dot(b, i, mont, t, 4);
                dot(c, i, mont, t, 8);
                f.mul(t, 0, t, 4, t, 0);
                if (!Field.equal(t, 0, t, 8)) return i;
            }
            return -1;
        } finally {
            // the witness may hold spending keys
            java.util.Arrays.fill(mont, 0L);
            java.util.Arrays.fill(t, 0L);
        }
    }

    private static void dot(Matrix m, int row, long[] w, long[] t, int at) {
        Field f = Field.FR;
        Field.setZero(t, at);
        for (int k = m.rowStart()[row]; k < m.rowStart()[row + 1]; k++) {
            f.mul(m.value(), 4 * k, w, 4 * m.wire()[k], t, 12);
            f.add(t, at, t, 12, t, at);
        }
    }
}
