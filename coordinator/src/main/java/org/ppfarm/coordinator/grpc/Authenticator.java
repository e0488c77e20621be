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

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Who calls the Prover API: {@code authorization: Bearer <api key>} answered by the {@link TenantDirectory} (or, with
 * {@code grpc.tls.client.tenant=cn} and no key, the tenant the client certificate's CN names; a key must then be that
 * tenant's), and the caller's {@link Tenant} put in the call's gRPC {@link Context} ({@link #tenant()}) for the service to scope jobs by.
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
    private final boolean certificateTenants;
    private final FarmMetrics metrics;
    private final RateLimitedLog refusals = new RateLimitedLog(log, Duration.ofSeconds(1));

    /**
     * @param certificateTenants a client certificate's subject CN names the caller's tenant
     *                           ({@code grpc.tls.client.tenant=cn})
     */
    public Authenticator(TenantDirectory tenants, boolean required, boolean certificateTenants, FarmMetrics metrics) {
        this.tenants = tenants;
        this.required = required;
        this.certificateTenants = certificateTenants;
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
        String certified = certificateTenants ? certificateTenant(call) : null;
        Tenant tenant;
        if (auth == null && certified != null) {
            try {
                tenant = tenants.byCertificate(certified);
            } catch (TenantDirectory.RefusedKeyException e) {
                return refuse(call, e.reason().name().toLowerCase(), e.tenant(), Status.UNAUTHENTICATED.withDescription(e.getMessage()));
            }
        } else if (auth == null) {
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
        if (certified != null && !certified.equals(tenant.name()))
            return refuse(call, "denied", tenant.name(), Status.PERMISSION_DENIED.withDescription(
                    "the API key's tenant is not the one the client certificate names"));
        if (call.getMethodDescriptor().getFullMethodName().equals(ProverGrpc.getRegisterCircuitMethod().getFullMethodName()) && !tenant.admin())
            return refuse(call, "denied", tenant.name(), Status.PERMISSION_DENIED.withDescription(
                    "tenant " + tenant.name() + " may not register circuits (an admin right: ppfarm tenants add --admin)"));
        return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
    }

    /**
     * The subject CN of the call's verified client certificate, or null when the connection has none (TLS verified the
     * chain before the call existed: an untrusted or expired certificate never gets here).
     */
    private static String certificateTenant(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) return null;
        try {
            if (!(session.getPeerCertificates()[0] instanceof X509Certificate leaf)) return null;
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns())
                if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String reason, String tenant, Status status) {
        metrics.authFailed(reason);
        refusals.warn("refused " + call.getMethodDescriptor().getBareMethodName() + " from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                + ": " + reason + (tenant.isEmpty() ? "" : " (tenant " + tenant + ")"));
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
