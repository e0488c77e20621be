package org.ppfarm.coordinator.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.ppfarm.proto.v1.ArtifactsGrpc;
import org.ppfarm.proto.v1.ProverGrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Calls a gRPC method with raw message bytes, as a hostile client would: whatever protobuf the bytes are (or are not),
 * they reach the server as they are. The answer is the call's closing status and the messages that came back.
 */
final class RawCalls {
    private RawCalls() {}

    /** Every method a coordinator serves: the Prover service's (clients' port) and the Artifacts service's (artifact port). */
    static final List<MethodDescriptor<?, ?>> METHODS = List.of(ProverGrpc.getSubmitMethod(), ProverGrpc.getSubmitBatchMethod(),
            ProverGrpc.getGetJobMethod(), ProverGrpc.getWatchJobMethod(), ProverGrpc.getCancelJobMethod(), ProverGrpc.getProveMethod(),
            ProverGrpc.getListCircuitsMethod(), ProverGrpc.getRegisterCircuitMethod(), ArtifactsGrpc.getFetchMethod());

    record Answer(Status status, List<byte[]> messages, long millis) {}

    /**
     * Channels to a coordinator's two gRPC ports: the clients' (the Prover service) and the artifact port workers
     * fetch from (the Artifacts service), each method called on the port that serves it.
     */
    record Ports(Channel client, Channel artifacts) {
        Channel of(MethodDescriptor<?, ?> method) {
            return ArtifactsGrpc.SERVICE_NAME.equals(method.getServiceName()) ? artifacts : client;
        }
    }

    /** {@code method} called on the port of {@code ports} that serves it; see {@link #call(Channel, MethodDescriptor, List, CallOptions)}. */
    static CompletableFuture<Answer> call(Ports ports, MethodDescriptor<?, ?> method, List<byte[]> messages, CallOptions options) {
        return call(ports.of(method), method, messages, options);
    }

    /** As {@link #call(Ports, MethodDescriptor, List, CallOptions)}, one message, waiting at most {@code deadlineMillis}. */
    static Answer call(Ports ports, MethodDescriptor<?, ?> method, byte[] message, long deadlineMillis) {
        return call(ports.of(method), method, message, deadlineMillis);
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }

        @Override public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** {@code method} called with {@code messages} sent as they are, then half-closed; waits for the call's end. */
    static CompletableFuture<Answer> call(Channel channel, MethodDescriptor<?, ?> method, List<byte[]> messages, CallOptions options) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                .setFullMethodName(method.getFullMethodName()).setType(method.getType()).build();
        ClientCall<byte[], byte[]> call = channel.newCall(raw, options);
        CompletableFuture<Answer> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        List<byte[]> received = new CopyOnWriteArrayList<>();
        call.start(new ClientCall.Listener<>() {
            @Override public void onMessage(byte[] message) { received.add(message); }

            @Override public void onClose(Status status, Metadata trailers) {
                done.complete(new Answer(status, List.copyOf(received), (System.nanoTime() - t0) / 1_000_000));
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        for (byte[] m : messages) call.sendMessage(m);
        call.halfClose();
        return done;
    }

    /** As {@link #call(Channel, MethodDescriptor, List, CallOptions)}, one message, waiting at most {@code deadlineMillis}. */
    static Answer call(Channel channel, MethodDescriptor<?, ?> method, byte[] message, long deadlineMillis) {
        return call(channel, method, List.of(message), CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)).join();
    }
}
