package org.ppfarm.farm.artifacts;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.ppfarm.farm.Sha256;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.proto.v1.ArtifactData;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.FetchArtifactRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Downloads circuit artifacts by SHA-256 from coordinators' {@code Artifacts} services (docs/farm.md, "Circuit
 * registry"): workers into their cache, coordinators into their registry when a circuit registered at another
 * coordinator names bytes they lack. The sources are tried in the order given; the first whose bytes hash to the
 * requested SHA-256 wins, so no source is trusted for integrity. Nothing is visible at the target until it is whole
 * and checked.
 *
 * <p>Thread-safe. One channel per address (TLS with this node's certificate when the farm's private network has
 * {@code cluster.tls.*}, else plaintext), made on first use and kept until {@link #close}.
 */
public final class ArtifactDownloads implements AutoCloseable {
    /** The longest one source may take to send one artifact (a production zkey is tens of MB on the farm's network). */
    private static final long DEADLINE_MINUTES = 10;

    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ChannelCredentials credentials; // null: plaintext
    private volatile boolean closed;

    /** Over plaintext. */
    public ArtifactDownloads() { this(null); }

    /** @param tls this node's identity, presented to the sources, whose certificates must chain to its CA; null: plaintext */
    public ArtifactDownloads(NodeTls tls) {
        this.credentials = tls == null ? null : TlsChannelCredentials.newBuilder().keyManager(tls.keys()).trustManager(tls.trust()).build();
    }

    /**
     * Downloads the artifact {@code sha256} to {@code target}, trying {@code sources} (host:port each) in turn.
     *
     * @return the source that sent it
     * @throws DownloadException no source sent it; one line saying what each answered
     * @throws IOException       the bytes cannot be written next to {@code target} (the message names local files)
     */
    public String download(String sha256, List<String> sources, Path target) throws DownloadException, IOException {
        if (!Sha256.isHex(sha256)) throw new IllegalArgumentException("not a SHA-256: '" + sha256 + "'");
        if (sources.isEmpty()) throw new DownloadException(sha256, List.of(), false);
        List<String> answers = new ArrayList<>();
        boolean allNotFound = true;
        for (String source : sources) {
            Path tmp = Files.createTempFile(target.getParent(), ".download-", ".tmp");
            try {
                String actual = fetchInto(source, sha256, tmp);
                if (actual.equals(sha256)) {
                    moveIntoPlace(tmp, target);
                    return source;
                }
                answers.add(source + " sent bytes that hash to " + actual);
                allNotFound = false;
            } catch (StatusRuntimeException e) {
                Status s = e.getStatus();
                Status.Code code = s.getCode();
                // a transport failure carries its cause; a server's own answer says what it lacks in its description
                answers.add(source + " " + (code == Status.Code.NOT_FOUND ? "does not know it"
                        : code == Status.Code.UNAVAILABLE && s.getCause() != null ? "is unreachable"
                        : "answered " + code + (s.getDescription() == null ? "" : ": " + firstLine(s))));
                allNotFound &= code == Status.Code.NOT_FOUND;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        throw new DownloadException(sha256, answers, allNotFound);
    }

    /** Streams one source's answer into {@code tmp}; returns the SHA-256 of what arrived. */
    private String fetchInto(String source, String sha256, Path tmp) throws IOException {
        MessageDigest md = Sha256.digest();
        try (OutputStream out = Files.newOutputStream(tmp)) {
            Iterator<ArtifactData> it = ArtifactsGrpc.newBlockingStub(channel(source)).withDeadlineAfter(DEADLINE_MINUTES, TimeUnit.MINUTES)
                    .fetch(FetchArtifactRequest.newBuilder().setSha256(sha256).build());
            while (it.hasNext()) {
                byte[] d = it.next().getData().toByteArray();
                md.update(d);
                out.write(d);
            }
        }
        return Sha256.hex(md);
    }

    private ManagedChannel channel(String source) {
        if (closed) throw Status.UNAVAILABLE.withDescription("downloads closed").asRuntimeException();
        return channels.computeIfAbsent(source, a -> {
            int colon = a.lastIndexOf(':');
            String host = a.substring(0, colon);
            int port = Integer.parseInt(a.substring(colon + 1));
            NettyChannelBuilder b = credentials == null ? NettyChannelBuilder.forAddress(host, port).usePlaintext()
                    : NettyChannelBuilder.forAddress(host, port, credentials);
            return b.maxInboundMessageSize(8 << 20).build();
        });
    }

    private static String firstLine(Status s) { return s.getDescription().lines().findFirst().orElse(""); }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Whether {@code address} is host:port (a port of 1 to 5 digits). */
    public static boolean isAddress(String address) { return address.matches("[^:\\s]+:\\d{1,5}"); }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (ManagedChannel c : channels.values()) c.shutdownNow();
        for (ManagedChannel c : channels.values()) c.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * No source sent the artifact. {@link #unknownEverywhere()}: every source was reached and answered NOT_FOUND (none
     * has a circuit that uses it), as opposed to a source that was down, busy fetching it itself, or sent wrong bytes.
     */
    public static final class DownloadException extends Exception {
        private final boolean unknownEverywhere;

        DownloadException(String sha256, List<String> answers, boolean unknownEverywhere) {
            super("artifact " + sha256 + ": " + (answers.isEmpty() ? "no coordinator to fetch it from" : String.join("; ", answers)),
                    null, false, false);
            this.unknownEverywhere = unknownEverywhere;
        }

        public boolean unknownEverywhere() { return unknownEverywhere; }
    }
}
