package org.ppfarm.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusOr;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A farm's coordinators as one gRPC target: {@code host:port,host:port,…} becomes {@code ppfarm-list:///…}, resolved
 * to every address (each looked up once, when the channel starts), over which the client's channel balances calls
 * round robin. Any coordinator serves any job, so a call that fails UNAVAILABLE because its coordinator died is
 * retried (under the same idempotency key, for a submission) on a live one: the round-robin policy skips
 * coordinators whose connection is down. An L4 balancer in front of the coordinators does the same for a single
 * address.
 */
final class CoordinatorList extends NameResolverProvider {
    static final String SCHEME = "ppfarm-list";
    private static final CoordinatorList INSTANCE = new CoordinatorList();

    static {
        NameResolverRegistry.getDefaultRegistry().register(INSTANCE);
    }

    /**
     * The gRPC target for {@code target}: a comma-separated list of {@code host:port} as a {@value #SCHEME} target;
     * anything else unchanged. Refuses a list entry that is not {@code host:port} with a one-line error naming it.
     */
    static String target(String target) {
        if (!target.contains(",")) return target;
        for (String a : target.split(",", -1)) parse(a.strip());
        return SCHEME + ":///" + target.replace(" ", "");
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try { port = Integer.parseInt(hostPort.substring(colon + 1)); } catch (NumberFormatException e) { port = -1; }
        }
        if (port < 1 || port > 65535)
            throw new IllegalArgumentException("coordinator address '" + hostPort + "': expected host:port (a list is host:port,host:port)");
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(host, port);
    }

    @Override
    public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
        if (!SCHEME.equals(uri.getScheme())) return null;
        String list = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        return new NameResolver() {
            @Override public String getServiceAuthority() { return "ppfarm-coordinators"; }

            @Override
            public void start(Listener2 listener) {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                for (String a : list.split(",")) {
                    InetSocketAddress addr = parse(a);
                    if (addr.isUnresolved()) {
                        listener.onError(Status.UNAVAILABLE.withDescription("coordinator address '" + a + "': host not found"));
                        return;
                    }
                    // TLS checks each coordinator's certificate against its own host, not the list's authority
                    groups.add(new EquivalentAddressGroup(addr, Attributes.newBuilder()
                            .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a.strip()).build()));
                }
                listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
            }

            @Override public void shutdown() { }
        };
    }

    @Override protected boolean isAvailable() { return true; }

    @Override protected int priority() { return 5; }

    @Override public String getDefaultScheme() { return SCHEME; }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }
}
