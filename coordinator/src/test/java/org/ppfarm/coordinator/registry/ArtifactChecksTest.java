package org.ppfarm.coordinator.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.coordinator.registry.CircuitRegistry.RegistrationException;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Circom;
import org.ppfarm.testkit.TestCircuits;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registration runs the uploaded wasm's code (instantiation and its size exports), so that code is bounded: a module
 * declaring more memory than the check allows is refused before anything is allocated, and one whose exports never
 * answer is stopped after the time limit — both with a one-line error naming the wasm — and the coordinator checks
 * the next upload as usual. The hostile modules are the real commitment wasm with one part rewritten.
 */
class ArtifactChecksTest {

    @Test
    void aWasmDeclaringFourGibibytesOfMemoryIsRefusedBeforeAnyIsAllocated(@TempDir Path dir) throws Exception {
        byte[] wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        Path huge = Files.write(dir.resolve("huge.wasm"), replaceSection(wasm, 5, concat(new byte[]{1, 0}, leb(65536))));
        RegistrationException e = assertThrows(RegistrationException.class,
                () -> ArtifactChecks.check(Artifacts.commitmentZkey(), huge, null));
        assertEquals("wasm: memory: declares 65536 initial pages (4096 MiB) of memory, over the limit of "
                + ArtifactChecks.WASM_CHECK_PAGES + " pages (" + ArtifactChecks.WASM_CHECK_PAGES / 16 + " MiB)", e.getMessage());
    }

    @Test
    void aWasmWhoseExportsNeverAnswerIsStoppedAfterTheTimeLimit(@TempDir Path dir) throws Exception {
        byte[] wasm = Files.readAllBytes(Artifacts.commitmentWasm());
        // getVersion's body becomes `loop br 0 end; i32.const 0`: it never returns
        byte[] spinning = replaceFunctionBody(wasm, "getVersion", new byte[]{0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x41, 0x00, 0x0b});
        Path spin = Files.write(dir.resolve("spin.wasm"), spinning);
        long t0 = System.nanoTime();
        RegistrationException e = assertThrows(RegistrationException.class,
                () -> ArtifactChecks.check(Artifacts.commitmentZkey(), spin, null));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("wasm: not a circom 2 witness calculator: its exports did not answer within "
                + ArtifactChecks.WASM_CHECK_TIME.toSeconds() + " s of CPU time", e.getMessage());
        assertTrue(seconds < ArtifactChecks.WALL_TIME_FACTOR * ArtifactChecks.WASM_CHECK_TIME.toSeconds() + 5, "refused after " + seconds + " s");
        // the spinning check was stopped (it held the one permit): the real wasm is checked as usual
        ArtifactChecks.check(Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
    }

    /**
     * A sample input proves the pair: the wasm's witness, the zkey's proof, verified. A wasm of another circuit with
     * the same layout ([1, x, w]: sizes and public signals alike, so no size check can tell) is refused.
     */
    @Test
    void aSampleInputProvesTheWasmAndTheZkeyAreOneCircuits() throws Exception {
        String commitmentInput = "{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"456\"}";
        byte[] sample = commitmentInput.getBytes(StandardCharsets.UTF_8);
        ArtifactChecks.check(Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), null, sample);
        assertTrue(allZero(sample), "the sample input is wiped after the check");

        // one_public proves x = w²; "shifted" computes the same signals for x + 1 = w², a different constraint
        TestCircuits.Fixture onePublic = TestCircuits.onePublic();
        Circom.Compiled shifted = Circom.compile("one_public_shifted", """
                pragma circom 2.0.0;
                template Shifted() {
                    signal input x;
                    signal input w;
                    x + 1 === w * w;
                }
                component main {public [x]} = Shifted();
                """);
        ArtifactChecks.check(onePublic.keys().zkey(), shifted.wasm(), null);   // sizes agree
        RegistrationException e = assertThrows(RegistrationException.class, () -> ArtifactChecks.check(onePublic.keys().zkey(),
                shifted.wasm(), null, "{\"x\":\"8\",\"w\":\"3\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("sample_input_json: the zkey's proof from the wasm's witness does not verify: the wasm and the zkey are not one circuit's",
                e.getMessage());

        e = assertThrows(RegistrationException.class, () -> ArtifactChecks.check(onePublic.keys().zkey(), onePublic.circuit().wasm(), null,
                "{\"x\":\"8\",\"w\":\"3\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("sample_input_json: "), e.getMessage());
        ArtifactChecks.check(onePublic.keys().zkey(), onePublic.circuit().wasm(), null, "{\"x\":\"9\",\"w\":\"3\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    // --- a minimal wasm section rewriter (binary format: magic, version, then id + LEB128 size + payload) ---

    private record Section(int id, byte[] payload) {}

    private static List<Section> sections(byte[] wasm) {
        List<Section> out = new ArrayList<>();
        int[] at = {8};
        while (at[0] < wasm.length) {
            int id = wasm[at[0]++];
            int size = (int) readLeb(wasm, at);
            byte[] payload = java.util.Arrays.copyOfRange(wasm, at[0], at[0] + size);
            at[0] += size;
            out.add(new Section(id, payload));
        }
        return out;
    }

    private static byte[] assemble(byte[] header, List<Section> sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(java.util.Arrays.copyOf(header, 8));
        for (Section s : sections) {
            out.write(s.id());
            out.writeBytes(leb(s.payload().length));
            out.writeBytes(s.payload());
        }
        return out.toByteArray();
    }

    private static byte[] replaceSection(byte[] wasm, int id, byte[] payload) {
        List<Section> ss = new ArrayList<>(sections(wasm));
        ss.replaceAll(s -> s.id() == id ? new Section(id, payload) : s);
        return assemble(wasm, ss);
    }

    /** {@code wasm} with the body of exported function {@code export} replaced by {@code body} (locals + code + end). */
    private static byte[] replaceFunctionBody(byte[] wasm, String export, byte[] body) {
        List<Section> ss = sections(wasm);
        int importedFunctions = 0;
        long index = -1;
        for (Section s : ss) {
            int[] at = {0};
            if (s.id() == 2) { // imports: module name, field name, kind, type
                long n = readLeb(s.payload(), at);
                for (long i = 0; i < n; i++) {
                    skipName(s.payload(), at);
                    skipName(s.payload(), at);
                    int kind = s.payload()[at[0]++];
                    switch (kind) {
                        case 0 -> { readLeb(s.payload(), at); importedFunctions++; }   // function: type index
                        case 1 -> { at[0]++; skipLimits(s.payload(), at); }           // table: reftype, limits
                        case 2 -> skipLimits(s.payload(), at);                         // memory: limits
                        case 3 -> at[0] += 2;                                          // global: valtype, mutability
                        default -> throw new IllegalStateException("import kind " + kind);
                    }
                }
            } else if (s.id() == 7) { // exports: name, kind, index
                long n = readLeb(s.payload(), at);
                for (long i = 0; i < n; i++) {
                    int len = (int) readLeb(s.payload(), at);
                    String name = new String(s.payload(), at[0], len, StandardCharsets.UTF_8);
                    at[0] += len;
                    int kind = s.payload()[at[0]++];
                    long idx = readLeb(s.payload(), at);
                    if (kind == 0 && name.equals(export)) index = idx;
                }
            }
        }
        long target = index - importedFunctions;
        List<Section> out = new ArrayList<>();
        for (Section s : ss) {
            if (s.id() != 10) { out.add(s); continue; }
            int[] at = {0};
            long n = readLeb(s.payload(), at);
            ByteArrayOutputStream code = new ByteArrayOutputStream();
            code.writeBytes(leb(n));
            for (long i = 0; i < n; i++) {
                int size = (int) readLeb(s.payload(), at);
                byte[] b = i == target ? body : java.util.Arrays.copyOfRange(s.payload(), at[0], at[0] + size);
                at[0] += size;
                code.writeBytes(leb(b.length));
                code.writeBytes(b);
            }
            out.add(new Section(10, code.toByteArray()));
        }
        return assemble(wasm, out);
    }

    private static void skipName(byte[] b, int[] at) {
        int len = (int) readLeb(b, at);
        at[0] += len;
    }

    private static void skipLimits(byte[] b, int[] at) {
        int flag = b[at[0]++];
        readLeb(b, at);
        if ((flag & 1) != 0) readLeb(b, at);
    }

    private static long readLeb(byte[] b, int[] at) {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xff;
            r |= (long) (x & 0x7f) << shift;
            if (x < 0x80) return r;
        }
    }

    private static byte[] leb(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
