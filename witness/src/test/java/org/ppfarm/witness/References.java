package org.ppfarm.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ppfarm.testkit.Circom;
import org.ppfarm.testkit.Node;
import org.ppfarm.testkit.Repo;
import org.ppfarm.testkit.Snarkjs;

/** Reference material for the witness tests: snarkjs's .wtns, and this module's small test circuits compiled. */
final class References {
    private References() {}

    /** {@code snarkjs wtns calculate wasm input out}: the reference .wtns bytes. */
    static byte[] snarkjsWtns(Path wasm, Path input) {
        try {
            Path out = Files.createTempFile("snarkjs", ".wtns");
            try {
                Snarkjs.wtnsCalculate(wasm, input, out);
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** snarkjs's exit code and output for inputs it should refuse. */
    static Node.Result snarkjsWtnsResult(Path wasm, Path input) {
        try {
            Path out = Files.createTempFile("snarkjs", ".wtns");
            try {
                return Snarkjs.wtnsCalculateResult(wasm, input, out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code src/test/resources/circuits/<name>.circom} compiled by circom2 (cached): wasm in circom's layout, .sym beside it. */
    static Path circuit(String name) {
        return Circom.compile(Repo.root().resolve("witness/src/test/resources/circuits/" + name + ".circom")).wasm();
    }
}
