package org.ppfarm.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.testkit.Artifacts;

/** The production 0xbow circuits: ppfarm's .wtns is byte-identical to snarkjs's for many random valid notes. */
class ZeroXBowWitnessTest {
    static WitnessCalculator withdraw;
    static WitnessCalculator commitment;
    @TempDir static Path dir;
    static List<References.Note> notes;

    @BeforeAll
    static void load() {
        withdraw = WitnessCalculator.load(Artifacts.withdrawWasm());
        commitment = WitnessCalculator.load(Artifacts.commitmentWasm());
        notes = References.notes(dir, 11, 20261121);
    }

    @Test
    void withdrawMatchesSnarkjsOverTreesOfManyDepths() throws Exception {
        assertEquals(36901, withdraw.witnessSize());
        assertEquals(78, withdraw.inputCount());
        for (References.Note n : notes) {
            byte[] expected = References.snarkjsWtns(Artifacts.withdrawWasm(), n.withdraw());
            Witness w = withdraw.calculate(Files.readAllBytes(n.withdraw()));
            assertArrayEquals(expected, WtnsFile.toBytes(w), n.withdraw().getFileName().toString());
            w.zeroize();
        }
    }

    @Test
    void commitmentMatchesSnarkjs() throws Exception {
        for (References.Note n : notes.subList(0, 4)) {
            byte[] expected = References.snarkjsWtns(Artifacts.commitmentWasm(), n.commitment());
            assertArrayEquals(expected, WtnsFile.toBytes(commitment.calculate(Files.readAllBytes(n.commitment()))),
                    n.commitment().getFileName().toString());
        }
    }
}
