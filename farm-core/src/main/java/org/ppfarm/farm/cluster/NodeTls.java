package org.ppfarm.farm.cluster;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A farm node's TLS identity on its private network ({@code cluster.tls.*}): the key managers presenting its
 * certificate and the trust managers accepting only the farm's CA. Pekko Artery ({@link PemSslEngineProvider}) and the
 * coordinators' Artifacts port (server and downloads) use the same identity, both sides presenting a certificate.
 */
public record NodeTls(KeyManager[] keys, TrustManager[] trust) {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    /** From PEM files: the node's certificate chain, its unencrypted PKCS#8 key (EC, RSA or Ed25519), the farm's CAs. */
    public static NodeTls pem(Path certFile, Path keyFile, Path caFile) throws IOException, GeneralSecurityException {
        Certificate[] chain = certificates(certFile);
        Certificate[] cas = certificates(caFile);
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node", privateKey(keyFile), none, chain);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.length; i++) trust.setCertificateEntry("ca-" + i, cas[i]);
        return of(keys, none, trust);
    }

    /** From PKCS12 (or JKS) stores; the key's password is the key store's. */
    public static NodeTls stores(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException, GeneralSecurityException {
        return of(load(keyStore, keyStorePassword), keyStorePassword, load(trustStore, trustStorePassword));
    }

    /** A TLS 1.3 context with this identity. */
    public SSLContext sslContext() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys, trust, null);
        return ctx;
    }

    private static NodeTls of(KeyStore keys, char[] keyPassword, KeyStore trust) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return new NodeTls(kmf.getKeyManagers(), tmf.getTrustManagers());
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        return KeyStore.getInstance(file.toFile(), password); // PKCS12 or JKS, whichever the file is
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
