package org.ppfarm.farm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.cluster.PemSslEngineProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko cluster's TLS ({@code cluster.tls.*}): with either the PEM files or the key stores set, Artery runs over
 * {@code tls-tcp} with mutual TLS 1.3, so only nodes holding a certificate from the farm's CA can connect to each
 * other, and a node without one never joins. PEM files go to {@link PemSslEngineProvider} (reloaded when they change);
 * PKCS12/JKS stores to Pekko's own {@code ConfigSSLEngineProvider} (read once). The same identity secures the
 * coordinators' Artifacts port ({@link #nodeTls}, reloaded either way). Every node of one cluster needs the same choice:
 * a plaintext node and a TLS node cannot talk at all.
 */
public final class ClusterTls {
    public static final String CERT_FILE = "cluster.tls.cert.file";
    public static final String KEY_FILE = "cluster.tls.key.file";
    public static final String CA_FILE = "cluster.tls.ca.file";
    public static final String KEY_STORE_FILE = "cluster.tls.key.store.file";
    public static final String KEY_STORE_PASSWORD = "cluster.tls.key.store.password";
    public static final String TRUST_STORE_FILE = "cluster.tls.trust.store.file";
    public static final String TRUST_STORE_PASSWORD = "cluster.tls.trust.store.password";
    public static final String RELOAD_MS = "cluster.tls.reload.ms";
    private static final List<String> PEM = List.of(CERT_FILE, KEY_FILE, CA_FILE);
    private static final List<String> STORES = List.of(KEY_STORE_FILE, TRUST_STORE_FILE);

    private ClusterTls() {}

    static ConfigDef define(ConfigDef def) {
        return def
                .define(CERT_FILE, Type.STRING, "", Importance.HIGH,
                        "PEM certificate chain of this cluster node (leaf first), signed by the farm's CA (" + CA_FILE
                                + "); with " + KEY_FILE + " and " + CA_FILE + " the cluster runs over mutual TLS. Empty: "
                                + "plaintext Artery, or the key stores. Re-read when it changes.")
                .define(KEY_FILE, Type.STRING, "", Importance.HIGH, "PEM private key of " + CERT_FILE + " (unencrypted PKCS#8, EC or RSA).")
                .define(CA_FILE, Type.STRING, "", Importance.HIGH,
                        "PEM certificates of the farm's CA: a peer node's certificate must chain to one of them.")
                .define(KEY_STORE_FILE, Type.STRING, "", Importance.MEDIUM,
                        "Instead of the PEM files: a PKCS12 (or JKS) key store holding this node's key and certificate; with "
                                + TRUST_STORE_FILE + " the cluster runs over mutual TLS (Pekko's ConfigSSLEngineProvider).")
                .define(KEY_STORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of " + KEY_STORE_FILE + " and of its key.")
                .define(TRUST_STORE_FILE, Type.STRING, "", Importance.MEDIUM, "A PKCS12 (or JKS) store of the farm's CA certificates.")
                .define(TRUST_STORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of " + TRUST_STORE_FILE + ".")
                .define(RELOAD_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                        "How often the Artifacts port (a coordinator's server, every node's downloads) reads this node's "
                                + "cluster TLS files again (PEM files or stores); a set that cannot be read or parsed keeps the "
                                + "last good one (logged). Artery looks at the PEM files on each new connection instead.");
    }

    /** Either all three PEM files or both stores (with their passwords), not both kinds; each file readable. */
    static void validate(AbstractConfig c) {
        boolean pem = PEM.stream().anyMatch(k -> !c.getString(k).isEmpty());
        boolean stores = STORES.stream().anyMatch(k -> !c.getString(k).isEmpty());
        if (pem && stores) throw new ConfigException(CERT_FILE + " and " + KEY_STORE_FILE + " are both set: the cluster's TLS takes PEM files or key stores");
        for (String k : pem ? PEM : stores ? STORES : List.<String>of()) {
            String f = c.getString(k);
            if (f.isEmpty()) throw new ConfigException(k, f, "needed with the other cluster.tls files");
            if (!Files.isReadable(Path.of(f))) throw new ConfigException(k, f, "no such readable file");
        }
        if (stores)
            for (String k : List.of(KEY_STORE_PASSWORD, TRUST_STORE_PASSWORD))
                if (c.getPassword(k) == null) throw new ConfigException(k, "[hidden]", "needed with " + KEY_STORE_FILE);
    }

    /** Whether the cluster runs over TLS. */
    public static boolean enabled(AbstractConfig c) {
        return !c.getString(CERT_FILE).isEmpty() || !c.getString(KEY_STORE_FILE).isEmpty();
    }

    /**
     * This node's TLS identity for the Artifacts port (its server on coordinators, its downloads everywhere), read
     * now and again every {@value #RELOAD_MS} when its files changed (close it to stop); null without cluster TLS.
     *
     * @throws ConfigException naming the file that does not load
     */
    public static NodeTls nodeTls(AbstractConfig c) {
        String key = !c.getString(CERT_FILE).isEmpty() ? CERT_FILE : KEY_STORE_FILE;
        try {
            NodeTls tls;
            if (!c.getString(CERT_FILE).isEmpty())
                tls = NodeTls.pem(Path.of(c.getString(CERT_FILE)), Path.of(c.getString(KEY_FILE)), Path.of(c.getString(CA_FILE)));
            else if (!c.getString(KEY_STORE_FILE).isEmpty())
                tls = NodeTls.stores(Path.of(c.getString(KEY_STORE_FILE)), value(c.getPassword(KEY_STORE_PASSWORD)).toCharArray(),
                        Path.of(c.getString(TRUST_STORE_FILE)), value(c.getPassword(TRUST_STORE_PASSWORD)).toCharArray());
            else
                return null;
            return tls.watchEvery(Duration.ofMillis(c.getLong(RELOAD_MS)));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, c.getString(key), "cannot load the cluster TLS files: " + e.getMessage());
        }
    }

    /** The actor system's Artery transport settings: empty (plaintext tcp, Pekko's default) unless TLS is set. */
    static Config pekkoConfig(AbstractConfig c) {
        Map<String, Object> p = new HashMap<>();
        if (!c.getString(CERT_FILE).isEmpty()) {
            p.put("pekko.remote.artery.transport", "tls-tcp");
            p.put("pekko.remote.artery.ssl.ssl-engine-provider", PemSslEngineProvider.class.getName());
            p.put(PemSslEngineProvider.CONFIG_PATH + ".cert-file", c.getString(CERT_FILE));
            p.put(PemSslEngineProvider.CONFIG_PATH + ".key-file", c.getString(KEY_FILE));
            p.put(PemSslEngineProvider.CONFIG_PATH + ".ca-file", c.getString(CA_FILE));
        } else if (!c.getString(KEY_STORE_FILE).isEmpty()) {
            String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
            p.put("pekko.remote.artery.transport", "tls-tcp");
            p.put("pekko.remote.artery.ssl.ssl-engine-provider", "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
            p.put(engine + "key-store", c.getString(KEY_STORE_FILE));
            p.put(engine + "key-store-password", value(c.getPassword(KEY_STORE_PASSWORD)));
            p.put(engine + "key-password", value(c.getPassword(KEY_STORE_PASSWORD)));
            p.put(engine + "trust-store", c.getString(TRUST_STORE_FILE));
            p.put(engine + "trust-store-password", value(c.getPassword(TRUST_STORE_PASSWORD)));
            p.put(engine + "require-mutual-authentication", "on");
        }
        return ConfigFactory.parseMap(p);
    }

    private static String value(Password p) { return p == null ? "" : p.value(); }
}
