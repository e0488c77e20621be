package org.ppfarm.embedded;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A certificate authority made in memory for one run: {@code ppfarm up --secure}'s TLS, and the tests' (nothing is
 * fetched or installed; its key never touches disk). Issues EC P-256 / ECDSA-SHA256 certificates good for TLS server
 * and client use, naming {@code localhost} and {@code 127.0.0.1}, written as the PEM files a coordinator's
 * {@code grpc.tls.*} settings and a client's {@code --tls-*} options take. Built from BouncyCastle's ASN.1 classes
 * and the JDK's signature, so it needs no more than bcprov.
 */
public final class ThrowawayCa {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private final String name;
    private final KeyPair key;
    private final X509Certificate certificate;

    private ThrowawayCa(String name) throws GeneralSecurityException, IOException {
        this.name = name;
        this.key = ecKey();
        Instant now = Instant.now();
        this.certificate = sign(name, key, key.getPrivate(), name, true, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)));
    }

    /** A new CA named {@code CN=name}, valid for 30 days. */
    public static ThrowawayCa create(String name) {
        try {
            return new ThrowawayCa(name);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a certificate authority: " + e.getMessage(), e);
        }
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** Writes the certificate and the key (owner-only) as PEM, each replacing its file at once (a reload never reads half a file). */
        public void write(Path certFile, Path keyFile) throws IOException {
            writePem(certFile, "CERTIFICATE", encoded(certificate), false);
            writePem(keyFile, "PRIVATE KEY", key.getEncoded(), true);
        }
    }

    /** A certificate for {@code CN=cn}, good for 30 days from 5 minutes ago. */
    public Issued issue(String cn) {
        Instant now = Instant.now();
        return issue(cn, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)));
    }

    /** A certificate for {@code CN=cn}, valid from {@code notBefore} to {@code notAfter} (tests: an expired one). */
    public Issued issue(String cn, Instant notBefore, Instant notAfter) {
        try {
            KeyPair k = ecKey();
            return new Issued(sign(cn, k, key.getPrivate(), name, false, notBefore, notAfter), k.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + cn + ": " + e.getMessage(), e);
        }
    }

    /** Writes the CA's certificate (what clients trust) as PEM. */
    public Path writeCertificate(Path file) throws IOException {
        writePem(file, "CERTIFICATE", encoded(certificate), false);
        return file;
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String cn, KeyPair subject, PrivateKey issuerKey, String issuer, boolean ca,
                                        Instant notBefore, Instant notAfter) throws GeneralSecurityException, IOException {
        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(new BigInteger(64, RANDOM)));
        g.setIssuer(new X500Name("CN=" + issuer));
        g.setSubject(new X500Name("CN=" + cn));
        g.setStartDate(new Time(Date.from(notBefore)));
        g.setEndDate(new Time(Date.from(notAfter)));
        g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subject.getPublic().getEncoded()));
        g.setSignature(ECDSA_SHA256);
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            ext.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        g.setExtensions(ext.generate());
        TBSCertificate tbs = g.generateTBSCertificate();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(issuerKey);
        s.update(tbs.getEncoded(ASN1Encoding.DER));
        byte[] der = new DERSequence(new ASN1Encodable[] {tbs, ECDSA_SHA256, new DERBitString(s.sign())}).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".ppfarm-", ".pem"); // created owner-only
        try {
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            if (!secret) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
