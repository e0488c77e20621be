package org.ppfarm.farm.config;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How every Kafka client of the farm (coordinators, workers, {@code ppfarm tenants}) reaches the brokers: plaintext,
 * TLS ({@code SSL}, optionally with a client certificate) or TLS with a SCRAM user ({@code SASL_SSL}). Named keys
 * rather than raw {@code kafka.client.*} ones, so that a misspelt key is refused, a missing file or password is named
 * at start-up, and the SCRAM password is never written into a JAAS line by hand. The Kafka clients themselves do the
 * TLS and SCRAM; this class only translates the keys ({@link #clientProps}), all in one place.
 *
 * <p>With {@code kafka.security.protocol=PLAINTEXT} (the default) it adds nothing, so a farm configured with
 * {@code kafka.client.security.protocol=...} keeps working; a {@code kafka.client.*} key that one of these keys also
 * sets is refused rather than silently overridden.
 */
public final class KafkaSecurity {
    public static final String PROTOCOL = "kafka.security.protocol";
    public static final String TRUSTSTORE_FILE = "kafka.ssl.truststore.file";
    public static final String TRUSTSTORE_TYPE = "kafka.ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD = "kafka.ssl.truststore.password";
    public static final String KEYSTORE_FILE = "kafka.ssl.keystore.file";
    public static final String KEYSTORE_TYPE = "kafka.ssl.keystore.type";
    public static final String KEYSTORE_PASSWORD = "kafka.ssl.keystore.password";
    public static final String KEY_PASSWORD = "kafka.ssl.key.password";
    public static final String SASL_MECHANISM = "kafka.sasl.mechanism";
    public static final String SASL_USERNAME = "kafka.sasl.username";
    public static final String SASL_PASSWORD = "kafka.sasl.password";

    public static final String PLAINTEXT = "PLAINTEXT";
    public static final String SSL = "SSL";
    public static final String SASL_SSL = "SASL_SSL";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private KafkaSecurity() {}

    static ConfigDef define(ConfigDef def) {
        return def
                .define(PROTOCOL, Type.STRING, PLAINTEXT, ValidString.in(PLAINTEXT, SSL, SASL_SSL), Importance.HIGH,
                        "How the farm's Kafka clients reach the brokers: PLAINTEXT, SSL (TLS) or SASL_SSL (TLS and a SCRAM user).")
                .define(TRUSTSTORE_FILE, Type.STRING, "", Importance.HIGH,
                        "The CA certificates the brokers' certificates must chain to (SSL, SASL_SSL); empty: the JVM's default trust store.")
                .define(TRUSTSTORE_TYPE, Type.STRING, "PEM", ValidString.in("PEM", "PKCS12", "JKS"), Importance.MEDIUM,
                        "Format of " + TRUSTSTORE_FILE + ": PEM (CA certificates), PKCS12 or JKS.")
                .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of a PKCS12 or JKS " + TRUSTSTORE_FILE + ".")
                .define(KEYSTORE_FILE, Type.STRING, "", Importance.MEDIUM,
                        "The client certificate and its private key, for brokers that require client certificates; PEM: the "
                                + "private key (PKCS#8) and the certificate chain in one file. Empty: no client certificate.")
                .define(KEYSTORE_TYPE, Type.STRING, "PEM", ValidString.in("PEM", "PKCS12", "JKS"), Importance.MEDIUM,
                        "Format of " + KEYSTORE_FILE + ": PEM, PKCS12 or JKS.")
                .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of a PKCS12 or JKS " + KEYSTORE_FILE + ".")
                .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the private key in " + KEYSTORE_FILE + " when it is encrypted.")
                .define(SASL_MECHANISM, Type.STRING, "SCRAM-SHA-512", ValidString.in("SCRAM-SHA-512", "SCRAM-SHA-256"), Importance.MEDIUM,
                        "The SASL mechanism of SASL_SSL.")
                .define(SASL_USERNAME, Type.STRING, "", Importance.HIGH, "The SCRAM user (SASL_SSL).")
                .define(SASL_PASSWORD, Type.PASSWORD, null, Importance.HIGH, "The SCRAM user's password (SASL_SSL).");
    }

    /**
     * Cross-key checks, each error naming its key: SASL_SSL needs a user and a password; TLS or SASL keys with a
     * protocol that does not use them are a mistake (a farm believed to be on TLS would talk plaintext); the named
     * files exist; no {@code kafka.client.*} key sets what these keys set.
     */
    static void validate(AbstractConfig c) {
        String protocol = c.getString(PROTOCOL);
        boolean tls = !PLAINTEXT.equals(protocol), sasl = SASL_SSL.equals(protocol);
        for (String key : List.of(TRUSTSTORE_FILE, KEYSTORE_FILE, TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD, KEY_PASSWORD))
            if (!tls && c.originals().containsKey(key))
                throw new ConfigException(key + " is set but " + PROTOCOL + " is " + protocol + " (SSL or SASL_SSL use it)");
        for (String key : List.of(SASL_USERNAME, SASL_PASSWORD, SASL_MECHANISM))
            if (!sasl && c.originals().containsKey(key))
                throw new ConfigException(key + " is set but " + PROTOCOL + " is " + protocol + " (SASL_SSL uses it)");
        if (sasl && c.getString(SASL_USERNAME).isEmpty())
            throw new ConfigException(SASL_USERNAME, "", "needed with " + PROTOCOL + "=" + SASL_SSL);
        if (sasl && (c.getPassword(SASL_PASSWORD) == null || c.getPassword(SASL_PASSWORD).value().isEmpty()))
            throw new ConfigException(SASL_PASSWORD, "[hidden]", "needed with " + PROTOCOL + "=" + SASL_SSL);
        for (String key : List.of(TRUSTSTORE_FILE, KEYSTORE_FILE)) {
            String f = c.getString(key);
            if (!f.isEmpty() && !Files.isReadable(Path.of(f))) throw new ConfigException(key, f, "no such readable file");
        }
        Map<String, Object> raw = c.originalsWithPrefix(FarmConfigs.KAFKA_CLIENT_PREFIX);
        for (String name : clientProps(c).keySet())
            if (raw.containsKey(name))
                throw new ConfigException(FarmConfigs.KAFKA_CLIENT_PREFIX + name + " conflicts with the kafka.security/ssl/sasl keys; set one of them");
    }

    /** The Kafka client properties these keys stand for; none with PLAINTEXT. */
    static Map<String, Object> clientProps(AbstractConfig c) {
        Map<String, Object> p = new HashMap<>();
        String protocol = c.getString(PROTOCOL);
        if (PLAINTEXT.equals(protocol)) return p;
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (!c.getString(TRUSTSTORE_FILE).isEmpty()) {
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, c.getString(TRUSTSTORE_FILE));
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, c.getString(TRUSTSTORE_TYPE));
            putPassword(p, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, c.getPassword(TRUSTSTORE_PASSWORD));
        }
        if (!c.getString(KEYSTORE_FILE).isEmpty()) {
            p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, c.getString(KEYSTORE_FILE));
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, c.getString(KEYSTORE_TYPE));
            putPassword(p, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, c.getPassword(KEYSTORE_PASSWORD));
            putPassword(p, SslConfigs.SSL_KEY_PASSWORD_CONFIG, c.getPassword(KEY_PASSWORD));
        }
        if (SASL_SSL.equals(protocol)) {
            p.put(SaslConfigs.SASL_MECHANISM, c.getString(SASL_MECHANISM));
            Password password = c.getPassword(SASL_PASSWORD);
            // a Password, so the clients log it as [hidden] like any other
            p.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(SCRAM_LOGIN + " required username=\"" + jaasQuoted(c.getString(SASL_USERNAME))
                    + "\" password=\"" + jaasQuoted(password == null ? "" : password.value()) + "\";"));
        }
        return p;
    }

    private static void putPassword(Map<String, Object> p, String name, Password value) {
        if (value != null) p.put(name, value);
    }

    /** A value inside a JAAS option's double quotes: backslash and quote escaped. */
    static String jaasQuoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
