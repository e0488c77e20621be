package org.ppfarm.coordinator.registry;

import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fetches the artifacts of circuits registered at other coordinators, which this coordinator knows from the registry
 * topic but does not hold: from the coordinator that registered the circuit (its address is in the record), then from
 * {@code artifacts.peers}, checked against the hash ({@link ArtifactDownloads}) and stored among the registry's blobs,
 * from where this coordinator serves them to workers and other coordinators. Each artifact is fetched in the
 * background, once at a time, and tried again with a growing pause (up to {@value #MAX_PAUSE_MILLIS} ms) until it
 * arrives, so a coordinator that comes back serves it again without anyone asking.
 *
 * <p>Thread-safe.
 */
final class PeerArtifacts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerArtifacts.class);
    static final long MAX_PAUSE_MILLIS = 10_000;

    private final Path blobs;
    private final List<String> peers;
    private final ArtifactDownloads downloads;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService fetchers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("artifact-peer-fetch-", 0).factory());
    private volatile String self = "";

    /**
     * @param peers other coordinators' Artifacts services (host:port), tried after the registering coordinator's
     * @param tls   this coordinator's cluster identity, for TLS to them; null: plaintext
     */
    PeerArtifacts(Path blobs, List<String> peers, NodeTls tls) {
        this.blobs = blobs;
        this.peers = List.copyOf(peers);
        this.downloads = new ArtifactDownloads(tls);
    }

    /** This coordinator's own Artifacts address: never asked (it is what lacks the artifact). */
    void self(String address) { this.self = address; }

    /** Starts fetching {@code sha256} unless that is under way; {@code registeredAt} is asked first (may be empty). */
    void want(String sha256, String registeredAt) {
        if (!inFlight.add(sha256)) return;
        List<String> sources = new ArrayList<>();
        if (!registeredAt.isEmpty()) sources.add(registeredAt);
        for (String p : peers) if (!sources.contains(p)) sources.add(p);
        sources.remove(self);
        try {
            fetchers.execute(() -> fetch(sha256, sources));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(sha256); // closing
        }
    }

    /** Whether {@code sha256} is being fetched now. */
    boolean fetching(String sha256) { return inFlight.contains(sha256); }

    private void fetch(String sha256, List<String> sources) {
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    String from = downloads.download(sha256, sources, blobs.resolve(sha256));
                    log.info("artifact {} fetched from coordinator {}", sha256, from);
                    return;
                } catch (ArtifactDownloads.DownloadException e) {
                    if (attempt == 1 || attempt % 20 == 0) log.warn("{} (attempt {}; trying again)", e.getMessage(), attempt);
                } catch (IOException e) {
                    log.warn("artifact {}: cannot be stored in the registry: {} (attempt {}; trying again)", sha256, e.toString(), attempt);
                }
                Thread.sleep(Math.min(500L << Math.min(attempt - 1, 10), MAX_PAUSE_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } finally {
            inFlight.remove(sha256);
        }
    }

    @Override
    public void close() throws InterruptedException {
        fetchers.shutdownNow();
        downloads.close();
    }
}
