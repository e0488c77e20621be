package org.ppfarm.farm.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Pekko Artery's TLS ({@code transport = tls-tcp}) from PEM files: the node's certificate chain, its private key
 * (unencrypted PKCS#8, EC or RSA) and the farm's CA, named under {@code ppfarm.cluster.tls} in the actor system's
 * config ({@code org.ppfarm.farm.config.ClusterTls} writes them from the {@code cluster.tls.*} keys). Mutual TLS 1.3:
 * each side of a connection presents its certificate and must see one that chains to the CA, so a node whose
 * certificate the farm's CA did not sign can neither connect to a member nor be connected to. Host names are not
 * checked (nodes find each other by address; the CA is the farm's own).
 *
 * <p>Pekko's {@code RotatingKeysSSLEngineProvider} reads PEM too, but only RSA keys; the farm's throwaway CA issues EC.
 * The files are {@link org.ppfarm.farm.tls.TlsFiles}, as the gRPC API's and the Artifacts port's are, looked at again
 * (modification time and size) when a connection is made: a renewed certificate is used for new connections without
 * a restart; a set that does not load keeps the last good one, logged. Thread-safe: Artery makes engines from several
 * threads.
 */
public final class PemSslEngineProvider implements SSLEngineProvider {
    /** Where the files are named in the actor system's config: {@code cert-file}, {@code key-file}, {@code ca-file}. */
    public static final String CONFIG_PATH = "ppfarm.cluster.tls";
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final NodeTls tls;
    private final SSLContext context; // over tls's managers, which follow its files

    public PemSslEngineProvider(ActorSystem system) {
        Config c = system.settings().config().getConfig(CONFIG_PATH);
        Path cert = Path.of(c.getString("cert-file")), key = Path.of(c.getString("key-file")), ca = Path.of(c.getString("ca-file"));
        try {
            this.tls = NodeTls.artery(cert, key, ca);
            this.context = tls.sslContext();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cluster TLS: cannot load " + cert + ", " + key + ", " + ca + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SSLEngine createServerSSLEngine(String hostname, int port) {
        SSLEngine e = context().createSSLEngine(hostname, port);
        e.setUseClientMode(false);
        e.setNeedClientAuth(true);
        e.setEnabledProtocols(PROTOCOLS);
        return e;
    }

    @Override
    public SSLEngine createClientSSLEngine(String hostname, int port) {
        SSLEngine e = context().createSSLEngine(hostname, port);
        e.setUseClientMode(true);
        e.setEnabledProtocols(PROTOCOLS);
        return e;
    }

    /** Nothing beyond the handshake: the trust manager has checked the peer's chain to the CA. */
    @Override
    public Option<Throwable> verifyClientSession(String hostname, SSLSession session) { return Option.empty(); }

    @Override
    public Option<Throwable> verifyServerSession(String hostname, SSLSession session) { return Option.empty(); }

    /** The context, its files read again first if they changed since the last connection. */
    private SSLContext context() {
        tls.files().reloadIfChanged();
        return context;
    }
}
