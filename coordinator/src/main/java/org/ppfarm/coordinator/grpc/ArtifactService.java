package org.ppfarm.coordinator.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.proto.v1.ArtifactData;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.FetchArtifactRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * Serves registered artifacts to workers and other coordinators by SHA-256, in 1 MiB chunks. The receiver hashes what
 * it receives and refuses a mismatch, so this service is not trusted for integrity. An artifact of a circuit this
 * coordinator knows but does not hold yet (registered at another coordinator, still being fetched) is UNAVAILABLE, so
 * a worker tries another coordinator or hands its job back; NOT_FOUND means no circuit this coordinator knows uses it.
 */
public final class ArtifactService extends ArtifactsGrpc.ArtifactsImplBase {
    private static final Logger log = LoggerFactory.getLogger(ArtifactService.class);
    private static final int CHUNK = 1 << 20;
    private final CircuitRegistry registry;
    private final Executor blocking;

    /** @param blocking runs the file reads (the server itself calls services on its transport threads) */
    public ArtifactService(CircuitRegistry registry, Executor blocking) {
        this.registry = registry;
        this.blocking = blocking;
    }

    @Override
    public void fetch(FetchArtifactRequest request, StreamObserver<ArtifactData> out) {
        blocking.execute(() -> send(request, out));
    }

    private void send(FetchArtifactRequest request, StreamObserver<ArtifactData> out) {
        Path p = registry.blob(request.getSha256()).orElse(null);
        if (p == null) {
            out.onError((registry.fetching(request.getSha256())
                    ? Status.UNAVAILABLE.withDescription("artifact " + request.getSha256() + ": this coordinator is still fetching it")
                    : Status.NOT_FOUND.withDescription("no artifact with SHA-256 " + request.getSha256())).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<ArtifactData> call = (ServerCallStreamObserver<ArtifactData>) out;
        try (InputStream in = Files.newInputStream(p)) {
            long size = Files.size(p);
            byte[] buf = new byte[CHUNK];
            boolean first = true;
            for (int n; (n = in.readNBytes(buf, 0, CHUNK)) > 0; ) {
                if (call.isCancelled()) return;
                ArtifactData.Builder b = ArtifactData.newBuilder().setData(ByteString.copyFrom(buf, 0, n));
                if (first) b.setTotalSize(size);
                first = false;
                out.onNext(b.build());
            }
            out.onCompleted();
        } catch (IOException e) { // the message names the registry's files: for the log, not the client
            log.warn("artifact {}: cannot be read: {}", request.getSha256(), e.toString());
            out.onError(Status.INTERNAL.withDescription("artifact " + request.getSha256() + ": cannot be read from the registry")
                    .asRuntimeException());
        }
    }
}
