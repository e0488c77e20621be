package org.ppfarm.farm.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
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
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS identity read from files, and read again when they change: the one reload mechanism of the farm's TLS (the
 * gRPC API's {@code grpc.tls.*}, the Artifacts port's and Artery's {@code cluster.tls.*}). The certificate chain and
 * key go to grpc's {@link AdvancedTlsX509KeyManager}, the trusted CAs (if any) to its
 * {@link AdvancedTlsX509TrustManager}, which TLS handshakes ask on every new connection. A peer's chain must lead to
 * one of the CAs; a server's certificate must also name the host connected to where {@code serverHostNames} says so
 * (a client certificate is never checked for a host name); so a renewed certificate reaches new connections without a restart, and an
 * SSLContext made once over {@link #keyManager()} and {@link #trustManager()} stays valid across renewals.
 *
 * <p>{@link #reloadIfChanged()} reads the files again when any of them changed (its modification time or size);
 * {@link #watchEvery} calls it on one daemon thread every period, until {@link #close}. A set that cannot be read or
 * parsed (say, the key written but not yet the certificate) keeps the last good one, logged, and is tried again at
 * the next look. (grpc's own file watching reloads only once both the certificate and the key file changed, and in
 * our test of a renewal on grpc 1.76 it kept serving the old one.) Thread-safe.
 */
public final class TlsFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsFiles.class);
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    /** What the files hold: this side's chain (leaf first) and key, and the CAs a peer's chain must lead to (null: none). */
    private record Identity(X509Certificate[] chain, PrivateKey key, X509Certificate[] trusted) {}

    @FunctionalInterface
    private interface Reader {
        Identity read() throws IOException, GeneralSecurityException;
    }

    private final String name;
    private final List<Path> files;
    private final Reader reader;
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager trust; // null: no CA file
    private List<Object> loaded;                      // guarded by this: the files' stamps last read
    private ScheduledExecutorService watcher;         // guarded by this; null: not watched

    private TlsFiles(String name, List<Path> files, boolean trusts, boolean serverHostNames, Reader reader)
            throws IOException, GeneralSecurityException {
        this.name = name;
        this.files = files;
        this.reader = reader;
        this.trust = trusts ? AdvancedTlsX509TrustManager.newBuilder().setVerification(serverHostNames
                ? AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION
                : AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build() : null;
        load(); // the first read must succeed: nothing serves without its certificate
    }

    /**
     * From PEM files: the certificate chain (leaf first), its unencrypted PKCS#8 key (EC, RSA or Ed25519), and the
     * trusted CAs, or {@code caFile} null for none (a server that asks no client certificate).
     *
     * @param name            what the identity is for, in log lines ("gRPC API", "cluster")
     * @param serverHostNames whether, as a client, a server's certificate must name the host connected to
     * @throws IOException              a file cannot be read (the message names it)
     * @throws GeneralSecurityException a file does not parse, or the key does not fit the certificate (named)
     */
    public static TlsFiles pem(String name, Path certFile, Path keyFile, Path caFile, boolean serverHostNames)
            throws IOException, GeneralSecurityException {
        List<Path> files = caFile == null ? List.of(certFile, keyFile) : List.of(certFile, keyFile, caFile);
        return new TlsFiles(name, files, caFile != null, serverHostNames, () -> {
            X509Certificate[] chain = certificates(certFile);
            PrivateKey key = privateKey(keyFile);
            if (!chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm()))
                throw new GeneralSecurityException(keyFile + ": a " + key.getAlgorithm() + " key for a " + chain[0].getPublicKey().getAlgorithm() + " certificate");
            return new Identity(chain, key, caFile == null ? null : certificates(caFile));
        });
    }

    /**
     * From a PKCS12 (or JKS) key store holding one key (its password is the store's) and a store of the trusted CAs;
     * otherwise as {@link #pem}.
     */
    public static TlsFiles stores(String name, Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
                                  boolean serverHostNames) throws IOException, GeneralSecurityException {
        char[] keyPassword = keyStorePassword.clone(), trustPassword = trustStorePassword.clone();
        return new TlsFiles(name, List.of(keyStore, trustStore), true, serverHostNames, () -> {
            KeyStore keys = KeyStore.getInstance(keyStore.toFile(), keyPassword); // PKCS12 or JKS, whichever the file is
            String alias = null;
            for (String a : Collections.list(keys.aliases()))
                if (keys.isKeyEntry(a)) {
                    if (alias != null) throw new GeneralSecurityException(keyStore + ": more than one key (" + alias + ", " + a + ")");
                    alias = a;
                }
            if (alias == null) throw new GeneralSecurityException(keyStore + ": no private key");
            Certificate[] chain = keys.getCertificateChain(alias);
            if (chain == null || chain.length == 0) throw new GeneralSecurityException(keyStore + ": no certificate chain for " + alias);
            KeyStore trusted = KeyStore.getInstance(trustStore.toFile(), trustPassword);
            List<X509Certificate> cas = new ArrayList<>();
            for (String a : Collections.list(trusted.aliases()))
                if (trusted.getCertificate(a) instanceof X509Certificate c) cas.add(c);
            if (cas.isEmpty()) throw new GeneralSecurityException(trustStore + ": no certificate");
            return new Identity(Arrays.copyOf(chain, chain.length, X509Certificate[].class),
                    (PrivateKey) keys.getKey(alias, keyPassword), cas.toArray(new X509Certificate[0]));
        });
    }

    /** Presents the files' certificate; follows their renewals. */
    public X509ExtendedKeyManager keyManager() { return keys; }

    /** Accepts a peer whose chain leads to one of the files' CAs; follows their renewals. Null without a CA file. */
    public X509ExtendedTrustManager trustManager() { return trust; }

    /** Looks at the files every {@code period} on a daemon thread (named for the identity) until {@link #close}. */
    public synchronized TlsFiles watchEvery(Duration period) {
        if (watcher != null) throw new IllegalStateException(name + " TLS files are watched already");
        watcher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("tls-reload-" + name.replace(' ', '-')).unstarted(r));
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reads the files again if any changed since the last read; a set that does not load keeps the last good one (logged). */
    public synchronized void reloadIfChanged() {
        try {
            if (stamps().equals(loaded)) return;
            load();
            log.info("{} TLS files reloaded: {}", name, files);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn("{} TLS files not reloaded, the last good ones stay in use: {}", name, e.toString());
        }
    }

    private synchronized void load() throws IOException, GeneralSecurityException {
        List<Object> stamps = stamps();
        Identity id = reader.read();
        if (trust != null) trust.updateTrustCredentials(id.trusted());
        keys.updateIdentityCredentials(id.chain(), id.key());
        loaded = stamps;
    }

    /** The files' modification times and sizes: what tells a changed file. */
    private List<Object> stamps() throws IOException {
        List<Object> s = new ArrayList<>();
        for (Path p : files) {
            s.add(Files.getLastModifiedTime(p));
            s.add(Files.size(p));
        }
        return s;
    }

    /** The X.509 certificates of a PEM file, at least one. */
    public static X509Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        X509Certificate[] c;
        try (InputStream in = Files.newInputStream(file)) {
            c = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new X509Certificate[0]);
        }
        if (c.length == 0) throw new GeneralSecurityException(file + ": no certificate");
        return c;
    }

    /** The unencrypted PKCS#8 private key (EC, RSA or Ed25519) of a PEM file; the decoded bytes are wiped. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
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

    /** Stops watching (the managers keep the last files read). */
    @Override
    public synchronized void close() {
        if (watcher != null) watcher.shutdownNow();
    }
}
