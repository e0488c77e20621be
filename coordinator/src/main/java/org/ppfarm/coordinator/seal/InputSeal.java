package org.ppfarm.coordinator.seal;

import com.google.protobuf.ByteString;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.ppfarm.proto.v1.SealedInput;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Seals job inputs to the workers' key before they touch Kafka, and opens them on a worker. A withdraw input holds a
 * note's nullifier and secret — whoever reads it can spend the note — so the log must never hold it in the clear.
 *
 * <p>Suite: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM (BouncyCastle). The
 * additional authenticated data is the job id, so a sealed input moved onto another job's record fails to open.
 * Coordinators hold only the public key; workers hold the key pair. Thread-safe: every call builds its own context.
 */
public final class InputSeal {
    private static final byte[] INFO = "ppfarm.v1 job input".getBytes(StandardCharsets.UTF_8);

    private InputSeal() {}

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** An X25519 key pair for the workers, raw 32-byte encodings. */
    public record KeyPair(byte[] publicKey, byte[] privateKey) {
        public static KeyPair generate() {
            HPKE h = hpke();
            AsymmetricCipherKeyPair kp = h.generatePrivateKey();
            return new KeyPair(h.serializePublicKey(kp.getPublic()), h.serializePrivateKey(kp.getPrivate()));
        }

        /** Parses {@code base64(public):base64(private)}, the form of the worker config key. */
        public static KeyPair parse(String encoded, String configKey) {
            String[] parts = encoded.split(":");
            if (parts.length != 2) throw new IllegalArgumentException(configKey + ": expected base64(public):base64(private)");
            try {
                KeyPair kp = new KeyPair(Base64.getDecoder().decode(parts[0].strip()), Base64.getDecoder().decode(parts[1].strip()));
                if (kp.publicKey.length != 32 || kp.privateKey.length != 32)
                    throw new IllegalArgumentException(configKey + ": X25519 keys are 32 bytes each");
                return kp;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configKey + ": " + e.getMessage());
            }
        }

        /** {@code base64(public):base64(private)}. */
        public String encode() {
            return Base64.getEncoder().encodeToString(publicKey) + ":" + Base64.getEncoder().encodeToString(privateKey);
        }

        public String publicKeyBase64() { return Base64.getEncoder().encodeToString(publicKey); }
    }

    /** Identifies a public key in sealed records: the first 16 hex digits of its SHA-256. */
    public static String keyId(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Seals {@code plaintext} for {@code jobId}; the caller zeroizes the plaintext afterwards. */
    public static SealedInput seal(byte[] publicKey, String jobId, byte[] plaintext) {
        HPKE h = hpke();
        try {
            byte[][] ctEnc = h.seal(h.deserializePublicKey(publicKey), INFO, jobId.getBytes(StandardCharsets.UTF_8),
                    plaintext, null, null, null);
            return SealedInput.newBuilder().setKeyId(keyId(publicKey))
                    .setCiphertext(ByteString.copyFrom(ctEnc[0])).setEnc(ByteString.copyFrom(ctEnc[1])).build();
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed: " + e.getMessage(), e);
        }
    }

    /** Opens a sealed input of {@code jobId}; the caller zeroizes the result after use. */
    public static byte[] open(KeyPair keys, String jobId, SealedInput sealed) throws SealException {
        String expected = keyId(keys.publicKey());
        if (!expected.equals(sealed.getKeyId()))
            throw new SealException("job " + jobId + ": input sealed to key " + sealed.getKeyId() + ", this worker holds " + expected);
        HPKE h = hpke();
        try {
            AsymmetricCipherKeyPair kp = h.deserializePrivateKey(keys.privateKey(), keys.publicKey());
            return h.open(sealed.getEnc().toByteArray(), kp, INFO, jobId.getBytes(StandardCharsets.UTF_8),
                    sealed.getCiphertext().toByteArray(), null, null, null);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new SealException("job " + jobId + ": sealed input does not open (" + e.getMessage() + ")");
        }
    }

    /** Overwrites a buffer that held an input. */
    public static void zeroize(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }

    /** A sealed input that cannot be opened with this worker's key. */
    public static final class SealException extends Exception {
        public SealException(String message) { super(message); }
    }
}
