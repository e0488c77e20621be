package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.ZeroXBowInputs;

/**
 * Seeded random and malformed inputs ({@link InputFuzz}: values ≥ p, negative, hex and other encodings, missing and
 * extra signals, wrong array lengths, non-numeric, huge and nested values, broken documents): ppfarm decides as
 * snarkjs does — accepting with the same .wtns bytes, or refusing — except where it is stricter on purpose, and then
 * it refuses with the documented kind where snarkjs reads the value (reduced mod p, "" as 0) and goes on. It never fails otherwise: every refusal is a
 * {@link WitnessException}, naming the signal when one is at fault. The calculator replays the circuit's recorded
 * program ({@link WitnessTrace}) where the input takes its path, and runs the wasm otherwise.
 */
class WitnessFuzzTest {
    @TempDir Path tmp;

    @Test
    void aSmallCircuitOfEveryShape() throws Exception {
        Random rnd = new Random(19);
        List<InputFuzz.Signal> base = List.of(
                new InputFuzz.Signal("a", new int[0], values(rnd, 1)),
                new InputFuzz.Signal("v", new int[] {3}, values(rnd, 3)),
                new InputFuzz.Signal("grid", new int[] {2, 3}, values(rnd, 6)));
        Path wasm = References.circuit("shapes");
        fuzz(WitnessCalculator.load(wasm), wasm, new InputFuzz(1919, base), 160);
    }

    @Test
    void theWithdrawCircuit() throws Exception {
        String valid = ZeroXBowInputs.withdraw(1900, 9, 5);
        fuzz(References.withdraw(), Artifacts.withdrawWasm(), new InputFuzz(1901, InputFuzz.signals(valid)), 36);
    }

    private static List<BigInteger> values(Random rnd, int n) {
        List<BigInteger> v = new ArrayList<>();
        for (int i = 0; i < n; i++) v.add(rnd.nextInt(4) == 0 ? BigInteger.valueOf(rnd.nextInt(3)) : new BigInteger(256, rnd).mod(InputFuzz.P));
        return v;
    }

    private void fuzz(WitnessCalculator calc, Path wasm, InputFuzz fuzz, int count) throws Exception {
        List<InputFuzz.Case> cases = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InputFuzz.Case c = fuzz.next();
            cases.add(c);
            files.add(Files.writeString(tmp.resolve("fuzz-" + i + ".json"), c.json()));
        }
        List<References.Outcome> snarkjs = References.warmNode(wasm, files);
        // the cases run on the product path: the circuit's recorded program, recorded from the first accepted case
        for (int i = 0; i < count; i++) {
            if (cases.get(i).stricter() == null && snarkjs.get(i).accepted()) {
                calc.calculate(cases.get(i).json()).zeroize();
                assertTrue(calc.awaitTrace(java.time.Duration.ofMinutes(2)), calc.traceStatus());
                break;
            }
        }
        long replays = calc.replays();
        int accepted = 0, refused = 0, stricter = 0;
        for (int i = 0; i < count; i++) {
            InputFuzz.Case c = cases.get(i);
            References.Outcome ref = snarkjs.get(i);
            String about = "case " + i + " (" + c.what() + "), snarkjs " + (ref.accepted() ? "accepts" : "refuses: " + ref.error()) + ": " + c.json();
            Witness w = null;
            WitnessException refusal = null;
            try {
                w = calc.calculate(c.json());
            } catch (WitnessException e) {
                refusal = e;
            } catch (RuntimeException | Error e) {
                fail("not a WitnessException: " + e + "; " + about, e);
            }
            if (c.stricter() != null) {
                // snarkjs reads the value (reduced mod p, or "" as 0) and accepts unless the circuit then refuses it
                assertNotNull(refusal, "refused on purpose: " + about);
                assertEquals(c.stricter(), refusal.kind(), refusal.getMessage() + "; " + about);
                if (ref.accepted()) stricter++;
            } else if (ref.accepted()) {
                assertNotNull(w, "snarkjs accepts: " + about + "; ppfarm: " + (refusal == null ? "" : refusal.getMessage()));
                assertArrayEquals(ref.wtns(), WtnsFile.toBytes(w), about);
                w.zeroize();
                accepted++;
            } else {
                assertNotNull(refusal, "snarkjs refuses: " + about);
                refused++;
            }
            if (refusal != null) {
                assertFalse(refusal.getMessage().contains("\n"), "one line: " + refusal.getMessage());
                if (c.signal() != null) {
                    assertNotNull(refusal.signal(), "names the signal: " + refusal.getMessage() + "; " + about);
                    assertTrue(refusal.signal().startsWith(c.signal()), refusal.signal() + " for " + about);
                    assertTrue(refusal.getMessage().contains(refusal.signal()), refusal.getMessage());
                }
            }
        }
        assertTrue(calc.replays() > replays, "accepted inputs were replayed: " + calc.traceStatus());
        assertTrue(accepted > 0 && refused > 0 && stricter > 0,
                "a mix: " + accepted + " accepted, " + refused + " refused by both, " + stricter + " refused only by ppfarm");
    }
}
