package org.ppfarm.worker;

import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.Sha256;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches circuit artifacts by SHA-256 into a local cache from the coordinators of {@code coordinator.address}, trying
 * them in turn ({@link ArtifactDownloads}: every byte is checked against the hash, so a worker proves only with the
 * exact key the job names, whichever coordinator sent it). Files already cached are re-hashed once per process before
 * first use. Thread-safe; concurrent requests for one hash fetch it once.
 */
public final class ArtifactFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArtifactFetcher.class);
    private final List<String> coordinators;
    private final Path dir;
    private final ArtifactDownloads downloads;
    private final Fetches fetches;
    private final ConcurrentHashMap<String, Path> verified = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    /** Told of each fetch from the coordinators (not of cache hits): its outcome and the bytes received. */
    public interface Fetches {
        /**
         * @param outcome ok; not_found (every coordinator answered that no circuit of the farm uses it); unavailable
         *                (no coordinator delivered it: down, still fetching it, or bytes that did not hash as named);
         *                cache_error (it could not be stored here)
         */
        void fetched(String outcome, long bytes);
    }

    /** @param coordinators their Artifacts services, host:port each, in the order they are tried */
    public ArtifactFetcher(List<String> coordinators, Path dir) throws IOException {
        this(coordinators, dir, (outcome, bytes) -> {});
    }

    public ArtifactFetcher(List<String> coordinators, Path dir, Fetches fetches) throws IOException {
        this(coordinators, dir, fetches, null);
    }

    /** @param tls this worker's cluster identity ({@code cluster.tls.*}), for TLS to the coordinators; null: plaintext */
    public ArtifactFetcher(List<String> coordinators, Path dir, Fetches fetches, NodeTls tls) throws IOException {
        this.downloads = new ArtifactDownloads(tls);
        this.coordinators = List.copyOf(coordinators);
        this.dir = Files.createDirectories(dir);
        this.fetches = fetches;
    }

    /** The local path of the artifact with this hash, fetched if needed. */
    public Path get(String sha256) throws ArtifactException {
        if (!Sha256.isHex(sha256)) throw new ArtifactException(sha256, "not a SHA-256: '" + sha256 + "'", false);
        Path p = verified.get(sha256);
        if (p != null) return p;
        synchronized (locks.computeIfAbsent(sha256, k -> new Object())) {
            p = verified.get(sha256);
            if (p != null) return p;
            Path target = dir.resolve(sha256);
            if (!(Files.isRegularFile(target) && Sha256.of(target).equals(sha256))) fetch(sha256, target);
            verified.put(sha256, target);
            return target;
        }
    }

    private void fetch(String sha256, Path target) throws ArtifactException {
        String outcome = "cache_error";
        long bytes = 0;
        try {
            String from = downloads.download(sha256, coordinators, target);
            bytes = Files.size(target);
            outcome = "ok";
            log.info("artifact {} fetched from {}", sha256, from);
        } catch (ArtifactDownloads.DownloadException e) {
            outcome = e.unknownEverywhere() ? "not_found" : "unavailable";
            throw new ArtifactException(sha256, e.getMessage(), e.unknownEverywhere());
        } catch (IOException e) { // its message names this worker's cache files: for the log, not the job's error
            log.warn("artifact {}: {}", sha256, e.toString());
            throw new ArtifactException(sha256, "artifact " + sha256 + ": cannot be stored in the worker's cache", false);
        } finally {
            fetches.fetched(outcome, bytes);
        }
    }

    @Override
    public void close() throws InterruptedException { downloads.close(); }

    /**
     * An artifact could not be fetched or did not match its hash: the job is handed back and tried again later.
     * {@link #unknownEverywhere()}: every coordinator was reached and none knows the hash (see {@link JobRunner}).
     */
    public static final class ArtifactException extends Exception {
        private final String sha256;
        private final boolean unknownEverywhere;

        public ArtifactException(String sha256, String m, boolean unknownEverywhere) {
            super(m, null, false, false);
            this.sha256 = sha256;
            this.unknownEverywhere = unknownEverywhere;
        }

        /** The artifact that could not be fetched. */
        public String sha256() { return sha256; }

        public boolean unknownEverywhere() { return unknownEverywhere; }
    }
}
