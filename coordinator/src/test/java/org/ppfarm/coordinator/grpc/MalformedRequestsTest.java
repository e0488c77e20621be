package org.ppfarm.coordinator.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link MalformedRequests} in process, on a small service (gRPC's health service): bytes that are not its request
 * type answer INVALID_ARGUMENT naming the method and type, and a valid request is served as before. Against the
 * coordinator's real transport and every ppfarm method: embedded's HostileClientTest and EdgeFuzzTest.
 */
class MalformedRequestsTest {
    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        HealthStatusManager health = new HealthStatusManager();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(MalformedRequests.guard(health.getHealthService(), 1 << 20)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }
        @Override public byte[] parse(InputStream stream) { return new byte[0]; }
    };

    Status callRaw(byte[] body) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                .setFullMethodName(HealthGrpc.getCheckMethod().getFullMethodName()).setType(MethodDescriptor.MethodType.UNARY).build();
        ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override public void onClose(Status status, Metadata trailers) { closed.complete(status); }
        }, new Metadata());
        call.request(1);
        call.sendMessage(body);
        call.halfClose();
        return closed.join();
    }

    @Test
    void bytesThatAreNotTheRequestTypeAreInvalidArgument() {
        for (byte[] body : new byte[][] {{0x0F}, {0x0A, 0x05, 0x01}, {0x0A, 0x02, (byte) 0xC3, 0x28}}) {
            Status s = callRaw(body);
            assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), s.toString());
            assertEquals("Check: the request is not a valid grpc.health.v1.HealthCheckRequest message (malformed protobuf)", s.getDescription());
        }
    }

    @Test
    void validRequestsAreServedAsBefore() {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(Status.Code.OK, callRaw(new byte[0]).getCode());
    }
}
