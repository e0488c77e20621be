package org.ppfarm.farm.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

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
            this.context = load(cert, key, ca);
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
                context = load(cert, key, ca);
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

    /** A TLS context presenting {@code certFile}'s chain with {@code keyFile}'s key and trusting {@code caFile}'s CAs. */
    static SSLContext load(Path certFile, Path keyFile, Path caFile) throws IOException, GeneralSecurityException {
        Certificate[] chain = certificates(certFile);
        Certificate[] cas = certificates(caFile);
        PrivateKey privateKey = privateKey(keyFile);
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node", privateKey, none, chain);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.length; i++) trust.setCertificateEntry("ca-" + i, cas[i]);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        Certificate[] c;
        try (InputStream in = Files.newInputStream(file)) {
            c = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
        if (c.length == 0) throw new GeneralSecurityException(file + ": no certificate");
        return c;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find() || !m.group(1).equals("PRIVATE KEY"))
            throw new GeneralSecurityException(file + ": no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        try {
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (GeneralSecurityException wrongAlgorithm) {
                    // the next one
                }
            }
            throw new GeneralSecurityException(file + ": a private key of none of EC, RSA, Ed25519");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }
}
