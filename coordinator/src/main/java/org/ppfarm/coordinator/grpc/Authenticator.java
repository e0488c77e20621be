package org.ppfarm.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.coordinator.tenants.Tenant;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.proto.v1.ProverGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Who calls the Prover API: {@code authorization: Bearer <api key>} answered by the {@link TenantDirectory}, and the
 * caller's {@link Tenant} put in the call's gRPC {@link Context} ({@link #tenant()}) for the service to scope jobs by.
 * No key where {@code auth.required} → UNAUTHENTICATED; a key that is not valid (malformed, unknown tenant, wrong
 * secret, revoked) → UNAUTHENTICATED with one description for all, so a caller learns nothing about which tenants
 * exist; a valid key without the right a method needs (RegisterCircuit: admin) → PERMISSION_DENIED. Each refusal is
 * counted by reason ({@code ppfarm_auth_failures_total}) and logged, rate-limited, with the tenant the key named and
 * the peer's address — never the key.
 */
public final class Authenticator implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final Context.Key<Tenant> TENANT = Context.key("ppfarm-tenant");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final TenantDirectory tenants;
    private final boolean required;
    private final FarmMetrics metrics;
    private final RateLimitedLog refusals = new RateLimitedLog(log, Duration.ofSeconds(1));

    public Authenticator(TenantDirectory tenants, boolean required, FarmMetrics metrics) {
        this.tenants = tenants;
        this.required = required;
        this.metrics = metrics;
    }

    /** The tenant of the call being served, on its thread; {@link Tenant#ANONYMOUS} outside an authenticated call. */
    public static Tenant tenant() {
        Tenant t = TENANT.get();
        return t == null ? Tenant.ANONYMOUS : t;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String auth = headers.get(AUTHORIZATION);
        Tenant tenant;
        if (auth == null) {
            if (required) return refuse(call, "missing", "", Status.UNAUTHENTICATED.withDescription(
                    "no API key: send 'authorization: Bearer <api key>' (ppfarm --api-key, or PPFARM_API_KEY)"));
            tenant = Tenant.ANONYMOUS;
        } else if (!auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, "malformed", "", Status.UNAUTHENTICATED.withDescription("authorization: expected 'Bearer <api key>'"));
        } else {
            try {
                tenant = tenants.authenticate(auth.substring(BEARER.length()).strip());
            } catch (TenantDirectory.RefusedKeyException e) {
                return refuse(call, e.reason().name().toLowerCase(), e.tenant(), Status.UNAUTHENTICATED.withDescription(e.getMessage()));
            }
        }
        if (call.getMethodDescriptor().getFullMethodName().equals(ProverGrpc.getRegisterCircuitMethod().getFullMethodName()) && !tenant.admin())
            return refuse(call, "denied", tenant.name(), Status.PERMISSION_DENIED.withDescription(
                    "tenant " + tenant.name() + " may not register circuits (an admin right: ppfarm tenants add --admin)"));
        return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String reason, String tenant, Status status) {
        metrics.authFailed(reason);
        refusals.warn("refused " + call.getMethodDescriptor().getBareMethodName() + " from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                + ": " + reason + (tenant.isEmpty() ? "" : " (tenant " + tenant + ")"));
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
