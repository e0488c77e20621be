package org.ppfarm.coordinator.grpc;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import org.apache.kafka.common.config.ConfigException;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.tls.TlsFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * The gRPC API's TLS (grpc.tls.*): the server certificate and key, and for mTLS the client CA, read from PEM files
 * as {@link TlsFiles}, looked at again every grpc.tls.reload.ms: a renewed certificate (or client CA) reaches new
 * connections without a restart, and a set that cannot be read keeps the last good one. Close to stop looking.
 */
public final class ServerTls implements AutoCloseable {
    private final TlsFiles files;
    private final ServerCredentials credentials;

    private ServerTls(CoordinatorConfig config) {
        Path cert = file(config, CoordinatorConfig.GRPC_TLS_CERT_FILE);
        Path key = file(config, CoordinatorConfig.GRPC_TLS_KEY_FILE);
        String auth = config.getString(CoordinatorConfig.GRPC_TLS_CLIENT_AUTH);
        boolean clientAuth = !CoordinatorConfig.CLIENT_AUTH_NONE.equals(auth);
        Path clientCa = clientAuth ? file(config, CoordinatorConfig.GRPC_TLS_CLIENT_CA_FILE) : null;
        try {
            // a server: no host names to check; a coordinator never serves without its certificate
            this.files = TlsFiles.pem("gRPC API", cert, key, clientCa, false);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(CoordinatorConfig.GRPC_TLS_CERT_FILE, cert.toString(), "cannot load the TLS files: " + e.getMessage());
        }
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(files.keyManager());
        if (clientAuth) b.trustManager(files.trustManager()).clientAuth(CoordinatorConfig.CLIENT_AUTH_REQUIRE.equals(auth)
                ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.OPTIONAL);
        this.credentials = b.build();
        files.watchEvery(Duration.ofMillis(config.getLong(CoordinatorConfig.GRPC_TLS_RELOAD_MS)));
    }

    /** The API's TLS, or null when grpc.tls.cert.file is not set (plaintext). */
    public static ServerTls of(CoordinatorConfig config) {
        return config.tls() ? new ServerTls(config) : null;
    }

    public ServerCredentials credentials() { return credentials; }

    private static Path file(CoordinatorConfig config, String key) {
        Path f = Path.of(config.getString(key));
        if (!Files.isRegularFile(f)) throw new ConfigException(key, f.toString(), "no such file");
        return f;
    }

    @Override
    public void close() {
        files.close();
    }
}
