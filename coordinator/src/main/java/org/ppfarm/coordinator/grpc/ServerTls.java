package org.ppfarm.coordinator.grpc;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import org.apache.kafka.common.config.ConfigException;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC API's TLS (grpc.tls.*): the server certificate and key, and for mTLS the client CA, read from PEM files
 * into grpc's {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager}, which the TLS handshakes
 * ask on every new connection. One daemon thread looks at the files every grpc.tls.reload.ms and reads them again
 * when any of them changed (its modification time or size): a renewed certificate reaches new connections without a
 * restart. A set that cannot be read or parsed (say, the key written but not yet the certificate) keeps the last
 * good one, logged, and is tried again at the next look. (grpc's own file watching reloads only once both the
 * certificate and the key file changed, and in our test of a renewal on grpc 1.76 it kept serving the old one.)
 * Close to stop looking.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final ScheduledExecutorService reloader;
    private final ServerCredentials credentials;
    private final Path cert;
    private final Path key;
    private final Path clientCa; // null without client certificates
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager trust;
    private List<Object> loaded; // reloader thread only (and the constructor): the files' stamps last read

    private ServerTls(CoordinatorConfig config) throws GeneralSecurityException {
        this.cert = file(config, CoordinatorConfig.GRPC_TLS_CERT_FILE);
        this.key = file(config, CoordinatorConfig.GRPC_TLS_KEY_FILE);
        String auth = config.getString(CoordinatorConfig.GRPC_TLS_CLIENT_AUTH);
        boolean clientAuth = !CoordinatorConfig.CLIENT_AUTH_NONE.equals(auth);
        this.clientCa = clientAuth ? file(config, CoordinatorConfig.GRPC_TLS_CLIENT_CA_FILE) : null;
        this.trust = clientAuth ? AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build() : null;
        try {
            load(); // the first load must succeed: a coordinator never serves without its certificate
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(CoordinatorConfig.GRPC_TLS_CERT_FILE, cert.toString(), "cannot load the TLS files: " + e.getMessage());
        }
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keys);
        if (clientAuth) b.trustManager(trust).clientAuth(CoordinatorConfig.CLIENT_AUTH_REQUIRE.equals(auth)
                ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.OPTIONAL);
        this.credentials = b.build();
        long period = config.getLong(CoordinatorConfig.GRPC_TLS_RELOAD_MS);
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("grpc-tls-reload").unstarted(r));
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
    }

    /** The API's TLS, or null when grpc.tls.cert.file is not set (plaintext). */
    public static ServerTls of(CoordinatorConfig config) {
        if (!config.tls()) return null;
        try {
            return new ServerTls(config);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS trust manager: " + e.getMessage(), e);
        }
    }

    public ServerCredentials credentials() { return credentials; }

    private void reloadIfChanged() {
        try {
            if (stamps().equals(loaded)) return;
            load();
            log.info("TLS files reloaded: {}, {}{}", cert, key, clientCa == null ? "" : ", " + clientCa);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn("TLS files not reloaded, the last good ones stay in use: {}", e.toString());
        }
    }

    private void load() throws IOException, GeneralSecurityException {
        List<Object> stamps = stamps();
        X509Certificate[] chain;
        PrivateKey privateKey;
        try (InputStream in = Files.newInputStream(cert)) { chain = CertificateUtils.getX509Certificates(in); }
        try (InputStream in = Files.newInputStream(key)) { privateKey = CertificateUtils.getPrivateKey(in); }
        if (chain.length == 0) throw new GeneralSecurityException(cert + ": no certificate");
        if (!chain[0].getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm()))
            throw new GeneralSecurityException(key + ": a " + privateKey.getAlgorithm() + " key for a " + chain[0].getPublicKey().getAlgorithm() + " certificate");
        if (clientCa != null) {
            X509Certificate[] cas;
            try (InputStream in = Files.newInputStream(clientCa)) { cas = CertificateUtils.getX509Certificates(in); }
            if (cas.length == 0) throw new GeneralSecurityException(clientCa + ": no certificate");
            trust.updateTrustCredentials(cas);
        }
        keys.updateIdentityCredentials(chain, privateKey);
        loaded = stamps;
    }

    /** The files' modification times and sizes: what tells a changed file. */
    private List<Object> stamps() throws IOException {
        List<Object> s = new ArrayList<>();
        for (Path p : clientCa == null ? List.of(cert, key) : List.of(cert, key, clientCa)) {
            s.add(Files.getLastModifiedTime(p));
            s.add(Files.size(p));
        }
        return s;
    }

    private static Path file(CoordinatorConfig config, String key) {
        Path f = Path.of(config.getString(key));
        if (!Files.isRegularFile(f)) throw new ConfigException(key, f.toString(), "no such file");
        return f;
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }
}
