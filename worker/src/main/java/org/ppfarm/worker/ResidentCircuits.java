package org.ppfarm.worker;

import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.worker.pipeline.ProvingPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuits loaded on this worker, by their zkey's and wasm's SHA-256 together: each is fetched (hash-checked,
 * {@link ArtifactFetcher}) and loaded ({@link ProvingPipeline.Factory#load}) once, on the first job that needs it,
 * and stays resident for every later job. Both hashes make the key because a pipeline is both: circuits that share
 * a zkey but not a wasm are different programs, and one's wasm must never compute another's witnesses (keyed by the
 * zkey alone, whichever circuit was proved first lent its wasm to every circuit sharing its zkey). Thread-safe:
 * concurrent first jobs of one circuit load it once.
 */
final class ResidentCircuits implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResidentCircuits.class);

    private final ProvingPipeline.Factory factory;
    private final ArtifactFetcher fetcher;
    /** A circuit as workers tell circuits apart: its proving key and its witness program. */
    private record Key(String zkeySha256, String wasmSha256) {}

    private final ConcurrentHashMap<Key, ProvingPipeline> loaded = new ConcurrentHashMap<>();

    ResidentCircuits(ProvingPipeline.Factory factory, ArtifactFetcher fetcher) {
        this.factory = factory;
        this.fetcher = fetcher;
    }

    /** The backend proofs are made on ({@link ProvingPipeline.Factory#backend}). */
    String backend() { return factory.backend(); }

    /**
     * The pipeline of {@code c}, loaded if needed. Throws {@link ArtifactFetcher.ArtifactException} when an artifact
     * cannot be fetched (worth retrying), anything else when the circuit cannot be loaded.
     */
    ProvingPipeline pipeline(Circuit c) throws Exception {
        Key key = new Key(c.getZkeySha256(), c.getWasmSha256());
        ProvingPipeline p = loaded.get(key);
        if (p != null) return p;
        synchronized (loaded) {
            p = loaded.get(key);
            if (p != null) return p;
            var files = new ProvingPipeline.CircuitFiles(c.getName(), fetcher.get(c.getZkeySha256()), fetcher.get(c.getWasmSha256()),
                    c.getVkeySha256().isEmpty() ? null : fetcher.get(c.getVkeySha256()));
            long t0 = System.nanoTime();
            p = factory.load(files);
            log.info("circuit {} loaded in {} ms", c.getName(), (System.nanoTime() - t0) / 1_000_000);
            loaded.put(key, p);
            return p;
        }
    }

    /** Releases every resident key. */
    @Override
    public void close() {
        loaded.values().forEach(ProvingPipeline::close);
        loaded.clear();
    }
}
