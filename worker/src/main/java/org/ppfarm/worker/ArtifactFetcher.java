package org.ppfarm.worker;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import org.ppfarm.farm.Sha256;
import org.ppfarm.proto.v1.ArtifactData;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.FetchArtifactRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fetches circuit artifacts from a coordinator by SHA-256 into a local cache and checks every byte against the hash,
 * so a worker proves only with the exact key the job names. Files already cached are re-hashed once per process
 * before first use. Thread-safe; concurrent requests for one hash fetch it once.
 */
public final class ArtifactFetcher {
    private static final Logger log = LoggerFactory.getLogger(ArtifactFetcher.class);
    private final ArtifactsGrpc.ArtifactsBlockingStub stub;
    private final Path dir;
    private final Fetches fetches;
    private final ConcurrentHashMap<String, Path> verified = new ConcurrentHashMap<>();

    /** Told of each fetch from the coordinator (not of cache hits): its outcome and the bytes received. */
    public interface Fetches {
        /** @param outcome ok, unavailable (the coordinator did not deliver), hash_mismatch or cache_error */
        void fetched(String outcome, long bytes);
    }

    public ArtifactFetcher(Channel coordinator, Path dir) throws IOException {
        this(coordinator, dir, (outcome, bytes) -> {});
    }

    public ArtifactFetcher(Channel coordinator, Path dir, Fetches fetches) throws IOException {
        this.stub = ArtifactsGrpc.newBlockingStub(coordinator);
        this.dir = Files.createDirectories(dir);
        this.fetches = fetches;
    }

    /** The local path of the artifact with this hash, fetched if needed. */
    public Path get(String sha256) throws ArtifactException {
        if (!Sha256.isHex(sha256)) throw new ArtifactException("not a SHA-256: '" + sha256 + "'");
        Path p = verified.get(sha256);
        if (p != null) return p;
        synchronized (lockFor(sha256)) {
            p = verified.get(sha256);
            if (p != null) return p;
            Path target = dir.resolve(sha256);
            if (Files.isRegularFile(target) && Sha256.of(target).equals(sha256)) {
                verified.put(sha256, target);
                return target;
            }
            fetch(sha256, target);
            verified.put(sha256, target);
            return target;
        }
    }

    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private Object lockFor(String sha) { return locks.computeIfAbsent(sha, k -> new Object()); }

    private void fetch(String sha256, Path target) throws ArtifactException {
        Path tmp = null;
        long bytes = 0;
        String outcome = "cache_error";
        try {
            tmp = Files.createTempFile(dir, ".fetch-", ".tmp");
            MessageDigest md = Sha256.digest();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                Iterator<ArtifactData> it = stub.withDeadlineAfter(10, TimeUnit.MINUTES)
                        .fetch(FetchArtifactRequest.newBuilder().setSha256(sha256).build());
                while (it.hasNext()) {
                    byte[] d = it.next().getData().toByteArray();
                    bytes += d.length;
                    md.update(d);
                    out.write(d);
                }
            }
            String actual = Sha256.hex(md);
            if (!actual.equals(sha256)) {
                outcome = "hash_mismatch";
                throw new ArtifactException("artifact " + sha256 + ": received bytes hash to " + actual + "; refused");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            outcome = "ok";
        } catch (StatusRuntimeException e) {
            outcome = "unavailable";
            throw new ArtifactException("artifact " + sha256 + ": the coordinator answered " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
        } catch (IOException e) { // its message names this worker's cache files: for the log, not the job's error
            log.warn("artifact {}: {}", sha256, e.toString());
            throw new ArtifactException("artifact " + sha256 + ": cannot be stored in the worker's cache");
        } finally {
            fetches.fetched(outcome, bytes);
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort */ }
        }
    }

    /** An artifact could not be fetched or did not match its hash; the job is retried later, not failed. */
    public static final class ArtifactException extends Exception {
        public ArtifactException(String m) { super(m, null, false, false); }
    }
}
