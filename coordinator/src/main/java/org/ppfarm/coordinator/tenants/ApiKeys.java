package org.ppfarm.coordinator.tenants;

import org.ppfarm.farm.Sha256;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * API keys: {@code ppf.<tenant>.<secret>}, the secret 256 random bits in base64url (43 characters). The tenant's name
 * travels in the key so a coordinator finds the one stored hash to compare with, in constant time
 * ({@link MessageDigest#isEqual}); only {@code SHA-256(secret)} is ever stored (a 256-bit random secret needs no slow
 * hash: nothing short of the secret itself has that digest). Keys are never logged; a tenant's name may be.
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "ppf.";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

    private ApiKeys() {}

    /** A key as sent: which tenant it names, and its secret. */
    public record Parsed(String tenant, String secret) {
        @Override
        public String toString() { return "ApiKey[" + tenant + "]"; } // never the secret
    }

    /** Whether {@code name} is a valid tenant name: 1-63 of a-z, 0-9 and '-', not starting with '-'. */
    public static boolean validTenant(String name) {
        return name != null && TENANT.matcher(name).matches();
    }

    /** A fresh key for {@code tenant}. */
    public static String generate(String tenant) {
        if (!validTenant(tenant))
            throw new IllegalArgumentException("tenant '" + tenant + "': 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + tenant + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The key's parts, or null if it is not shaped like a key (say, a truncated copy). */
    public static Parsed parse(String key) {
        if (key == null || !key.startsWith(PREFIX)) return null;
        int dot = key.lastIndexOf('.');
        if (dot <= PREFIX.length()) return null;
        String tenant = key.substring(PREFIX.length(), dot);
        String secret = key.substring(dot + 1);
        return validTenant(tenant) && SECRET.matcher(secret).matches() ? new Parsed(tenant, secret) : null;
    }

    /** What is stored of a key: SHA-256 of its secret. */
    public static byte[] hash(Parsed key) {
        return Sha256.digest().digest(key.secret().getBytes(StandardCharsets.US_ASCII));
    }
}
