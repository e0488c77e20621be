package org.ppfarm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.witness.CircuitInputs;
import org.ppfarm.witness.WitnessCalculator;

/** Witness from a circuit's wasm and an input JSON file, kept in memory (the inputs are spending keys). */
final class WitnessFiles {
    private WitnessFiles() {}

    /** The calculator for a circuit's wasm (input names from circom's .sym beside it, when there is one). */
    static WitnessCalculator load(Path wasm) {
        return WitnessCalculator.load(Inputs.file(wasm));
    }

    /** The parsed inputs; the file's bytes are wiped once parsed. The caller closes (wipes) the result. */
    static CircuitInputs read(Path input) {
        byte[] json;
        try {
            json = Files.readAllBytes(Inputs.file(input));
        } catch (IOException e) {
            throw new UncheckedIOException(input + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return CircuitInputs.parseJson(json, input.toString());
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    /** Computes the witness; nothing is written anywhere. */
    static Witness compute(WitnessCalculator calculator, Path input) {
        try (CircuitInputs in = read(input)) {
            return calculator.calculate(in);
        }
    }
}
