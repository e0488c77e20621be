package org.ppfarm.farm.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pekko Artery's TLS ({@code transport = tls-tcp}) from PEM files: the node's certificate chain, its private key
 * (unencrypted PKCS#8, EC or RSA) and the farm's CA, named under {@code ppfarm.cluster.tls} in the actor system's
 * config ({@code org.ppfarm.farm.config.ClusterTls} writes them from the {@code cluster.tls.*} keys). Mutual TLS 1.3:
 * each side of a connection presents its certificate and must see one that chains to the CA, so a node whose
 * certificate the farm's CA did not sign can neither connect to a member nor be connected to. Host names are not
 * checked (nodes find each other by address; the CA is the farm's own).
 *
 * <p>Pekko's {@code RotatingKeysSSLEngineProvider} reads PEM too, but only RSA keys; the farm's throwaway CA issues EC.
 * As the gRPC API's TLS does, the files are looked at again (modification time and size) when a connection is made,
 * and a changed set is read again: a renewed certificate is used for new connections without a restart; a set that
 * does not load keeps the last good one, logged. Thread-safe: Artery makes engines from several threads.
 */
public final class PemSslEngineProvider implements SSLEngineProvider {
    /** Where the files are named in the actor system's config: {@code cert-file}, {@code key-file}, {@code ca-file}. */
    public static final String CONFIG_PATH = "ppfarm.cluster.tls";
    private static final Logger log = LoggerFactory.getLogger(PemSslEngineProvider.class);
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final Path cert;
    private final Path key;
    private final Path ca;
    private List<Object> stamps; // guarded by this
    private SSLContext context;  // guarded by this

    public PemSslEngineProvider(ActorSystem system) {
        Config c = system.settings().config().getConfig(CONFIG_PATH);
        this.cert = Path.of(c.getString("cert-file"));
        this.key = Path.of(c.getString("key-file"));
        this.ca = Path.of(c.getString("ca-file"));
        try {
            this.stamps = stamps();
            this.context = NodeTls.pem(cert, key, ca).sslContext();
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

    private synchronized SSLContext context() {
        try {
            List<Object> now = stamps();
            if (!now.equals(stamps)) {
                context = NodeTls.pem(cert, key, ca).sslContext();
                stamps = now;
                log.info("cluster TLS files reloaded: {}, {}, {}", cert, key, ca);
            }
        } catch (IOException | GeneralSecurityException e) {
            log.warn("cluster TLS files not reloaded, the last good ones stay in use: {}", e.toString());
        }
        return context;
    }

    private List<Object> stamps() throws IOException {
        List<Object> s = new ArrayList<>();
        for (Path p : List.of(cert, key, ca)) {
            s.add(Files.getLastModifiedTime(p));
            s.add(Files.size(p));
        }
        return s;
    }
}
