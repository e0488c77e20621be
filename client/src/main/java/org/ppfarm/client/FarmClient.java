package org.ppfarm.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.ppfarm.farm.Sha256;
import org.ppfarm.proto.v1.ArtifactChunk;
import org.ppfarm.proto.v1.ArtifactKind;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.RegisterCircuitHeader;
import org.ppfarm.proto.v1.RegisterCircuitRequest;
import org.ppfarm.proto.v1.SubmitBatchRequest;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Client-side helpers over a {@link Channel} to a coordinator: the blocking stub for the unary calls and a streamed
 * circuit upload from local files. Used by the CLI ({@code ppfarm prove|submit|status|watch|circuits}) and the tests.
 */
public final class FarmClient implements AutoCloseable {
    private static final int CHUNK = 64 << 10;
    private final Channel channel;
    private final ManagedChannel owned;

    public FarmClient(Channel channel) {
        this.channel = channel;
        this.owned = null;
    }

    private FarmClient(ManagedChannel owned) {
        this.channel = owned;
        this.owned = owned;
    }

    /** A plaintext channel to {@code host:port} (loopback or a trusted network; TLS comes with the security issue). */
    public static FarmClient connect(String target) {
        return new FarmClient(NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    /**
     * As {@link #connect(String)}, with responses delivered on the transport's own threads (gRPC direct executor):
     * one thread hop less per call, for clients whose callbacks are short and never block (load generators).
     */
    public static FarmClient connectDirect(String target) {
        return new FarmClient(NettyChannelBuilder.forTarget(target).directExecutor().usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    public ProverGrpc.ProverBlockingStub blocking() { return ProverGrpc.newBlockingStub(channel); }

    public ProverGrpc.ProverStub async() { return ProverGrpc.newStub(channel); }

    public Channel channel() { return channel; }

    /**
     * Submits {@code jobs} (at most 1,000) in one message; one result per job, in order: its id, or the status
     * Submit would have refused it with. With {@code waitForResults} the call returns once every accepted job is
     * terminal, each result carrying the job's final state; {@code deadlineSeconds} (0: none) is the call's gRPC
     * deadline, which jobs without their own deadline inherit. Completes on the channel's executor.
     */
    public CompletableFuture<SubmitBatchResponse> submitBatch(List<SubmitRequest> jobs, boolean waitForResults, long deadlineSeconds) {
        CompletableFuture<SubmitBatchResponse> f = new CompletableFuture<>();
        ProverGrpc.ProverStub stub = deadlineSeconds > 0 ? async().withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS) : async();
        stub.submitBatch(SubmitBatchRequest.newBuilder().addAllJobs(jobs).setWaitForResults(waitForResults).build(), new StreamObserver<>() {
            @Override public void onNext(SubmitBatchResponse r) { f.complete(r); }
            @Override public void onError(Throwable t) { f.completeExceptionally(t); }
            @Override public void onCompleted() { }
        });
        return f;
    }

    /** Uploads a circuit with the hashes of the files as declared hashes. */
    public Circuit register(String name, String version, Path zkey, Path wasm, Path vkey) {
        RegisterCircuitHeader.Builder h = RegisterCircuitHeader.newBuilder().setName(name).setVersion(version)
                .setZkeySha256(Sha256.of(zkey)).setWasmSha256(Sha256.of(wasm));
        if (vkey != null) h.setVkeySha256(Sha256.of(vkey));
        return register(h.build(), zkey, wasm, vkey);
    }

    /** Uploads a circuit with the given header (its declared hashes are checked by the coordinator). */
    public Circuit register(RegisterCircuitHeader header, Path zkey, Path wasm, Path vkey) {
        CompletableFuture<Circuit> result = new CompletableFuture<>();
        StreamObserver<RegisterCircuitRequest> up = async().registerCircuit(new StreamObserver<>() {
            @Override public void onNext(Circuit c) { result.complete(c); }
            @Override public void onError(Throwable t) { result.completeExceptionally(t); }
            @Override public void onCompleted() { }
        });
        try {
            up.onNext(RegisterCircuitRequest.newBuilder().setHeader(header).build());
            send(up, ArtifactKind.ARTIFACT_KIND_ZKEY, zkey);
            send(up, ArtifactKind.ARTIFACT_KIND_WASM, wasm);
            if (vkey != null) send(up, ArtifactKind.ARTIFACT_KIND_VKEY, vkey);
            up.onCompleted();
        } catch (RuntimeException e) {
            up.onError(e);
            throw e;
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void send(StreamObserver<RegisterCircuitRequest> up, ArtifactKind kind, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[CHUNK];
            for (int n; (n = in.readNBytes(buf, 0, CHUNK)) > 0; )
                up.onNext(RegisterCircuitRequest.newBuilder()
                        .setChunk(ArtifactChunk.newBuilder().setKind(kind).setData(ByteString.copyFrom(buf, 0, n))).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (owned != null) {
            owned.shutdown();
            owned.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
