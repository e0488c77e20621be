package org.ppfarm.farm.seal;

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
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals job inputs to the workers' key before they touch Kafka, and opens them on a worker. A withdraw input holds a
 * note's nullifier and secret — whoever reads it can spend the note — so the log must never hold it in the clear.
 *
 * <p>Suite: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM (BouncyCastle). The
 * additional authenticated data is the job id, so a sealed input moved onto another job's record fails to open.
 * Coordinators hold only the public key; workers hold the key pair. Coordinators seal in sessions ({@link Sealer}:
 * one HPKE encapsulation, then AES-256-GCM per job); the static single-shot {@link #seal} remains for tests and tools,
 * and {@link Opener} opens both. Thread-safe: every call builds its own context.
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

    /** Identifies a public key in sealed records: the first 16 hex digits of its {@link #fingerprint}. */
    public static String keyId(byte[] publicKey) {
        return fingerprint(publicKey).substring(0, 16);
    }

    /** The SHA-256 of a public key, lowercase hex (64 digits): what clients pin the farm's sealing key by. */
    public static String fingerprint(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
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

    private static final byte[] SESSION_EXPORT = "ppfarm.v1 job input session key".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12, TAG_BITS = 128;

    /**
     * Seals job inputs in sessions: one HPKE encapsulation to the workers' key per session, then AES-256-GCM per job
     * under the key exported from that HPKE context, with a per-session counter as nonce and the job id as
     * associated data. Per-job HPKE costs two X25519 scalar multiplications here and one on the worker (about 1 ms
     * per job on the 2-core machine, which capped dispatch); a session costs them once.
     *
     * <p>Security: what protects an input is unchanged — only a holder of the workers' private key can derive a
     * session key (HPKE base mode, RFC 9180 §5.3 exporter), each job has a unique (key, nonce) pair because the
     * counter never repeats within a session and every session has a fresh key, and the job id as AAD still stops a
     * sealed input from being replayed under another job. Sessions rotate after {@link #MAX_JOBS} jobs or
     * {@link #MAX_AGE_NANOS}, far below AES-GCM's limits, bounding what one leaked session key (it lives only in the
     * coordinator's memory, which sees the plaintext anyway) could open. Thread-safe.
     */
    public static final class Sealer {
        static final long MAX_JOBS = 1L << 20;
        static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(10);

        private final byte[] publicKey;
        private final String keyId;
        private Session session; // guarded by this

        private record Session(ByteString enc, SecretKeySpec key, long created, long[] counter) {}

        public Sealer(byte[] publicKey) {
            this.publicKey = publicKey.clone();
            this.keyId = keyId(publicKey);
        }

        /** Seals {@code plaintext} for {@code jobId}; the caller zeroizes the plaintext afterwards. */
        public SealedInput seal(String jobId, byte[] plaintext) {
            Session s;
            long n;
            synchronized (this) {
                s = session;
                if (s == null || s.counter[0] >= MAX_JOBS || System.nanoTime() - s.created > MAX_AGE_NANOS) s = session = newSession();
                n = s.counter[0]++;
            }
            byte[] nonce = ByteBuffer.allocate(NONCE_BYTES).putInt(0).putLong(n).array();
            try {
                Cipher c = GCM.get();
                c.init(Cipher.ENCRYPT_MODE, s.key, new GCMParameterSpec(TAG_BITS, nonce));
                c.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
                return SealedInput.newBuilder().setKeyId(keyId).setEnc(s.enc).setNonce(ByteString.copyFrom(nonce))
                        .setCiphertext(ByteString.copyFrom(c.doFinal(plaintext))).build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal failed: " + e.getMessage(), e);
            }
        }

        private Session newSession() {
            HPKE h = hpke();
            var ctx = h.setupBaseS(h.deserializePublicKey(publicKey), INFO);
            byte[] k = ctx.export(SESSION_EXPORT, 32);
            try {
                return new Session(ByteString.copyFrom(ctx.getEncapsulation()), new SecretKeySpec(k, "AES"), System.nanoTime(), new long[1]);
            } finally {
                zeroize(k);
            }
        }
    }

    /**
     * Opens sealed inputs on a worker: single-shot HPKE, or session mode with the session key derived once per
     * encapsulation and cached (a few hundred sessions at most). Thread-safe.
     */
    public static final class Opener {
        private static final int MAX_SESSIONS = 256;
        private final KeyPair keys;
        private final String keyId;
        private final ConcurrentHashMap<ByteString, SecretKeySpec> sessions = new ConcurrentHashMap<>();

        public Opener(KeyPair keys) {
            this.keys = keys;
            this.keyId = keyId(keys.publicKey());
        }

        /** Opens a sealed input of {@code jobId}; the caller zeroizes the result after use. */
        public byte[] open(String jobId, SealedInput sealed) throws SealException {
            if (sealed.getNonce().isEmpty()) return InputSeal.open(keys, jobId, sealed);
            if (!keyId.equals(sealed.getKeyId()))
                throw new SealException("job " + jobId + ": input sealed to key " + sealed.getKeyId() + ", this worker holds " + keyId);
            try {
                SecretKeySpec key = sessions.get(sealed.getEnc());
                if (key == null) {
                    HPKE h = hpke();
                    byte[] k = h.setupBaseR(sealed.getEnc().toByteArray(), h.deserializePrivateKey(keys.privateKey(), keys.publicKey()), INFO)
                            .export(SESSION_EXPORT, 32);
                    key = new SecretKeySpec(k, "AES");
                    zeroize(k);
                    if (sessions.size() >= MAX_SESSIONS) sessions.clear();
                    sessions.put(sealed.getEnc(), key);
                }
                Cipher c = GCM.get();
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.getNonce().toByteArray()));
                c.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
                return c.doFinal(sealed.getCiphertext().toByteArray());
            } catch (GeneralSecurityException | RuntimeException e) { // a forged enc may fail inside the KEM
                throw new SealException("job " + jobId + ": sealed input does not open (" + e.getMessage() + ")");
            }
        }
    }

    /**
     * One AES-GCM cipher per thread, re-initialised for every input: {@code Cipher.getInstance} looks the provider
     * up each time, which cost more than sealing a job's input itself.
     */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
        }
    });

    /** Overwrites a buffer that held an input. */
    public static void zeroize(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }

    /** A sealed input that cannot be opened with this worker's key. */
    public static final class SealException extends Exception {
        public SealException(String message) { super(message); }
    }
}
