package org.ppfarm.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.farm.Sha256;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resident pipelines are one per (zkey, wasm), with the production engine: two circuits sharing a zkey but not a
 * wasm each prove with their own wasm, whichever is loaded first, and one circuit is loaded once.
 */
class ResidentCircuitsTest {

    /** The fixture's artifacts in the worker's cache (by SHA-256, as the fetcher keeps them), as a registered circuit. */
    static Circuit cached(Path cache, String name, TestCircuits.Fixture f) throws Exception {
        return Circuit.newBuilder().setName(name).setZkeySha256(copy(cache, f.zkey())).setWasmSha256(copy(cache, f.wasm())).build();
    }

    static String copy(Path cache, Path file) throws Exception {
        String sha = Sha256.of(file);
        if (!Files.exists(cache.resolve(sha))) Files.copy(file, cache.resolve(sha));
        return sha;
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void circuitsSharingAZkeyButNotAWasmEachProveWithTheirOwnWasm(@TempDir Path cache) throws Exception {
        TestCircuits.Fixture square = TestCircuits.onePublic(), renamed = TestCircuits.onePublicRenamed();
        Circuit a = cached(cache, "square@1", square), b = cached(cache, "square-renamed@1", renamed);
        assertEquals(a.getZkeySha256(), b.getZkeySha256());
        assertNotEquals(a.getWasmSha256(), b.getWasmSha256());
        try (ResidentCircuits circuits = new ResidentCircuits(new EnginePipeline.Factory(new EnginePipeline.Options("auto", 0, false, 0, null)),
                new ArtifactFetcher(List.of(), cache))) {   // no coordinator: everything is in the cache
            // the renamed circuit first: keyed by the zkey alone, one_public would then have run the renamed wasm
            ProvingPipeline.Output first = circuits.pipeline(b).prove(InputKind.INPUT_KIND_JSON, utf8(renamed.input(3)));
            ProvingPipeline.Output second = circuits.pipeline(a).prove(InputKind.INPUT_KIND_JSON, utf8(square.input(3)));
            assertEquals(first.publicJson(), second.publicJson(), "the same statement, x = y");
            assertNotSame(circuits.pipeline(a), circuits.pipeline(b));
            assertSame(circuits.pipeline(a), circuits.pipeline(a));
            var e = assertThrows(ProvingPipeline.JobInputException.class,
                    () -> circuits.pipeline(b).prove(InputKind.INPUT_KIND_JSON, utf8(square.input(4))));
            assertTrue(e.getMessage().contains("signal x is not an input of the circuit"), e.getMessage());
        }
    }
}
