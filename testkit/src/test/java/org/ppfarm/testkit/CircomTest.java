package org.ppfarm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiler wrapper: cache reuse, local includes for file sources, and a readable error for bad sources. */
class CircomTest {

    @Test
    void sameSourceIsCompiledOnceAndReused() throws Exception {
        String src = TestCircuits.source("one_public");
        Circom.Compiled a = Circom.compile("one_public", src);
        long stamp = Files.getLastModifiedTime(a.r1cs()).toMillis();
        Circom.Compiled b = Circom.compile("one_public", src);
        assertEquals(a, b);
        assertEquals(stamp, Files.getLastModifiedTime(b.r1cs()).toMillis());
        assertEquals(Circom.sha256(src), a.sha256());
    }

    @Test
    void fileSourcesResolveLocalIncludesAndCircomlib(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("lib.circom"), """
                pragma circom 2.0.0;
                include "circomlib/circuits/bitify.circom";
                template Low4() { signal input x; signal output y; component b = Num2Bits(4); b.in <== x; y <== b.out[0]; }
                """);
        // a unique comment keeps this test's cache entry apart from stale ones if lib.circom changes
        Path main = Files.writeString(tmp.resolve("uses_lib.circom"), """
                pragma circom 2.0.0;
                include "lib.circom";
                // CircomTest fixture v1
                component main = Low4();
                """);
        Circom.Compiled c = Circom.compile(main);
        assertEquals("uses_lib", c.name());
        Snarkjs.R1csInfo info = Snarkjs.r1csInfo(c.r1cs());
        assertEquals(5, info.constraints(), "4 bit constraints + the sum");
        assertEquals(1, info.outputs());
    }

    @Test
    void badSourceFailsWithTheCompilersMessage() {
        var e = assertThrows(IllegalStateException.class, () -> Circom.compile("broken", "pragma circom 2.0.0;\nthis is not circom\n"));
        assertTrue(e.getMessage().contains("broken.circom") && e.getMessage().contains("error"), e.getMessage());
        assertTrue(Files.notExists(Repo.cache().resolve("circom").resolve("broken-" + Circom.sha256("pragma circom 2.0.0;\nthis is not circom\n"))),
                "a failed compilation leaves no cache entry");
    }
}
