package org.ppfarm.coordinator.grpc;

import com.google.protobuf.Message;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request message that cannot be parsed with a precise status, and logs it in one rate-limited line.
 *
 * <p>Why here: grpc-java parses each request message on the server's call path, before any interceptor or service
 * sees it ({@code ServerCallImpl} calls the method's request marshaller, then the listener). A parse failure escapes
 * from there as an exception, and grpc-java answers it {@code UNKNOWN: Application error processing RPC} and logs a
 * SEVERE stack trace of some 60 lines per message (issue 13, finding 4) — bytes that are not valid protobuf are the
 * client's error, and a client sending many could flood the log. So {@link #guard} rebuilds a service with each
 * method's request marshaller wrapped: it never throws, but yields either the message or the status to refuse it with,
 * and a listener in front of the service's own closes the call with that status, so the service never sees the
 * request. The statuses:
 * <ul>
 *   <li>not valid protobuf for the method's request type (bad wire type, truncated field, invalid UTF-8 in a
 *       string...) → INVALID_ARGUMENT naming the method and the message type;</li>
 *   <li>a compressed message that grows past {@code grpc.max.message.bytes} while it is decompressed (gRPC checks the
 *       limit on the compressed size when the message arrives and on the decompressed size only as the marshaller
 *       reads it) → RESOURCE_EXHAUSTED naming the limit, as for an uncompressed message over it.</li>
 * </ul>
 * The service itself, and every request it parses, stay unchanged; the wrapper costs one small object per message.
 */
public final class MalformedRequests {
    private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);
    private static final RateLimitedLog refusals = new RateLimitedLog(log, Duration.ofSeconds(10));

    private MalformedRequests() {}

    /** {@code service} with every request that cannot be parsed refused as described above. */
    public static ServerServiceDefinition guard(BindableService service, int maxMessageBytes) {
        return guard(service.bindService(), maxMessageBytes);
    }

    static ServerServiceDefinition guard(ServerServiceDefinition service, int maxMessageBytes) {
        ServiceDescriptor sd = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(sd.getName()).setSchemaDescriptor(sd.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> g = guard(m, maxMessageBytes);
            methods.add(g);
            descriptor.addMethod(g.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> m : methods) b.addMethod(m);
        return b.build();
    }

    /** A request as the guarded marshaller parsed it: the message, or (message null) the status to refuse it with. */
    record Parsed<Q>(Q message, Status refusal) {}

    private static <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(ServerMethodDefinition<Q, R> m, int maxMessageBytes) {
        MethodDescriptor<Q, R> method = m.getMethodDescriptor();
        MethodDescriptor<Parsed<Q>, R> guarded = method
                .toBuilder(new GuardedMarshaller<>(method, maxMessageBytes), method.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = m.getServerCallHandler();
        return ServerMethodDefinition.create(guarded, (call, headers) -> {
            ServiceView<Q, R> view = new ServiceView<>(call, method);
            return new RefusingListener<>(view, handler.startCall(view, headers));
        });
    }

    /** The method's own request marshaller, with every parse failure turned into a refusal. */
    private record GuardedMarshaller<Q>(MethodDescriptor<Q, ?> method, int maxMessageBytes) implements MethodDescriptor.Marshaller<Parsed<Q>> {
        @Override
        public InputStream stream(Parsed<Q> value) { return method.streamRequest(value.message()); }

        @Override
        public Parsed<Q> parse(InputStream stream) {
            try {
                return new Parsed<>(method.parseRequest(stream), null);
            } catch (RuntimeException e) {
                return new Parsed<>(null, refusal(e));
            }
        }

        private Status refusal(RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED)
                    return Status.RESOURCE_EXHAUSTED.withDescription(method.getBareMethodName() + ": the request is larger than "
                            + maxMessageBytes + " bytes once decompressed (" + CoordinatorConfig.GRPC_MAX_MESSAGE_BYTES + ")");
            return Status.INVALID_ARGUMENT.withDescription(method.getBareMethodName() + ": the request is not a valid "
                    + messageType() + " message (malformed protobuf)");
        }

        /** The request's protobuf type, e.g. ppfarm.v1.SubmitRequest (the .proto's name, which clients know). */
        private String messageType() {
            return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                    && p.getMessagePrototype() instanceof Message proto ? proto.getDescriptorForType().getFullName() : "request";
        }
    }

    /**
     * In front of the service's listener: passes parsed requests on; on a refused one, closes the call with its status
     * and tells the service the call was cancelled (so it releases what it holds, e.g. a half-done upload), then
     * ignores whatever else arrives. A refused message on a call the service has already answered (a client stream
     * sending on after its upload was refused) is dropped. gRPC calls a listener from one thread at a time.
     */
    private static final class RefusingListener<Q, R> extends ServerCall.Listener<Parsed<Q>> {
        private final ServiceView<Q, R> call;
        private final ServerCall.Listener<Q> service;
        private boolean refused;

        RefusingListener(ServiceView<Q, R> call, ServerCall.Listener<Q> service) {
            this.call = call;
            this.service = service;
        }

        @Override
        public void onMessage(Parsed<Q> p) {
            if (refused) return;
            if (p.refusal() == null) {
                service.onMessage(p.message());
                return;
            }
            if (!call.closeIfOpen(p.refusal())) return;
            refused = true;
            SocketAddress from = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            refusals.warn("refused a request to " + call.getMethodDescriptor().getFullMethodName() + (from == null ? "" : " from " + from)
                    + ": " + p.refusal().getCode() + ": " + p.refusal().getDescription());
            service.onCancel();
        }

        @Override
        public void onHalfClose() { if (!refused) service.onHalfClose(); }

        @Override
        public void onCancel() { if (!refused) service.onCancel(); }

        @Override
        public void onComplete() { if (!refused) service.onComplete(); }

        @Override
        public void onReady() { if (!refused) service.onReady(); }
    }

    /**
     * The service's view of a guarded call: the same call, with the method's own descriptor. What goes out is
     * serialized with a refusal, which comes from the transport thread while a service may answer from another (a
     * circuit upload runs on the blocking pool), and a call is closed once.
     */
    private static final class ServiceView<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Parsed<Q>, R> call;
        private final MethodDescriptor<Q, R> method;
        private boolean closed; // guarded by this

        ServiceView(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        /** Closes the call with {@code refusal} unless the service has closed it; true if this closed it. */
        synchronized boolean closeIfOpen(Status refusal) {
            if (closed) return false;
            closed = true;
            call.close(refusal, new Metadata());
            return true;
        }

        @Override public void request(int n) { call.request(n); }
        @Override public synchronized void sendHeaders(Metadata headers) { if (!closed) call.sendHeaders(headers); }
        @Override public synchronized void sendMessage(R message) { if (!closed) call.sendMessage(message); }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (closed) return;
            closed = true;
            call.close(status, trailers);
        }
        @Override public boolean isCancelled() { return call.isCancelled(); }
        @Override public boolean isReady() { return call.isReady(); }
        @Override public void setMessageCompression(boolean enabled) { call.setMessageCompression(enabled); }
        @Override public void setCompression(String compressor) { call.setCompression(compressor); }
        @Override public void setOnReadyThreshold(int numBytes) { call.setOnReadyThreshold(numBytes); }
        @Override public io.grpc.SecurityLevel getSecurityLevel() { return call.getSecurityLevel(); }
        @Override public io.grpc.Attributes getAttributes() { return call.getAttributes(); }
        @Override public String getAuthority() { return call.getAuthority(); }
        @Override public MethodDescriptor<Q, R> getMethodDescriptor() { return method; }
    }
}
