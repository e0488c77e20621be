package org.ppfarm.farm.cluster;

import org.ppfarm.farm.tls.TlsFiles;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * A farm node's TLS identity on its private network ({@code cluster.tls.*}): the key manager presenting its
 * certificate and the trust manager accepting only the farm's CA. Pekko Artery ({@link PemSslEngineProvider}) and the
 * coordinators' Artifacts port (server and downloads) use the same identity, both sides presenting a certificate;
 * a download also checks that the coordinator's certificate names the host it connects to, Artery does not (nodes
 * find each other by address).
 * Its files are {@link TlsFiles}: renewed ones reach new connections without a restart once read again
 * ({@link #watchEvery}, or {@link TlsFiles#reloadIfChanged} on each connection). Close to stop watching.
 */
public final class NodeTls implements AutoCloseable {
    private final TlsFiles files;

    private NodeTls(TlsFiles files) { this.files = files; }

    /**
     * For the Artifacts port, from PEM files: the node's certificate chain, its unencrypted PKCS#8 key (EC, RSA or
     * Ed25519), the farm's CAs; a server's certificate must name the host connected to.
     */
    public static NodeTls pem(Path certFile, Path keyFile, Path caFile) throws IOException, GeneralSecurityException {
        return new NodeTls(TlsFiles.pem("artifacts port", certFile, keyFile, caFile, true));
    }

    /** For the Artifacts port, from PKCS12 (or JKS) stores; the key's password is the key store's. */
    public static NodeTls stores(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException, GeneralSecurityException {
        return new NodeTls(TlsFiles.stores("artifacts port", keyStore, keyStorePassword, trustStore, trustStorePassword, true));
    }

    /** For Artery, from PEM files as {@link #pem}, host names not checked. */
    static NodeTls artery(Path certFile, Path keyFile, Path caFile) throws IOException, GeneralSecurityException {
        return new NodeTls(TlsFiles.pem("cluster", certFile, keyFile, caFile, false));
    }

    /** Reads the files again every {@code period} when they changed, until {@link #close}. */
    public NodeTls watchEvery(Duration period) {
        files.watchEvery(period);
        return this;
    }

    public TlsFiles files() { return files; }

    public KeyManager[] keys() { return new KeyManager[] {files.keyManager()}; }

    public TrustManager[] trust() { return new TrustManager[] {files.trustManager()}; }

    /** A TLS 1.3 context with this identity (following its renewals). */
    public SSLContext sslContext() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys(), trust(), null);
        return ctx;
    }

    @Override
    public void close() { files.close(); }
}
