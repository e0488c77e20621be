package org.ppfarm.farm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FarmConfigsTest {
    static final ConfigDef DEF = FarmConfigs.cluster(FarmConfigs.kafka(new ConfigDef()), "none.");

    @Test
    void definedKeysAndKafkaClientKeysPass() {
        Map<String, String> p = Map.of("kafka.bootstrap.servers", "h:1", "cluster.port", "0",
                "kafka.client.security.protocol", "SSL", "kafka.client.ssl.truststore.location", "/x");
        assertSame(p, FarmConfigs.requireKnownKeys(DEF, p));
    }

    @Test
    void producersCompressWithLz4UnlessAKafkaClientKeySaysOtherwise() {
        Map<String, Object> plain = FarmConfigs.clientProps(new org.apache.kafka.common.config.AbstractConfig(DEF, Map.of("kafka.bootstrap.servers", "h:1")));
        assertEquals("lz4", FarmConfigs.producerProps(plain, "p").get("compression.type"));
        Map<String, Object> none = FarmConfigs.clientProps(new org.apache.kafka.common.config.AbstractConfig(DEF,
                Map.of("kafka.bootstrap.servers", "h:1", "kafka.client.compression.type", "none")));
        assertEquals("none", FarmConfigs.producerProps(none, "p").get("compression.type"));
    }

    @Test
    void anUnknownKeyIsNamedWithTheKeyMeantWhenOneIsClose() {
        assertEquals("unknown config key 'cluster.prot' (did you mean 'cluster.port'?)", refused(Map.of("cluster.prot", "1")));
        assertEquals("unknown config key 'kafka.topic.prefx' (did you mean 'kafka.topic.prefix'?)", refused(Map.of("kafka.topic.prefx", "p")));
        assertEquals("unknown config key 'seal.private.key'", refused(Map.of("seal.private.key", "x")));
        // the first unknown key in sorted order, whatever the map's order
        assertEquals("unknown config key 'a.b'", refused(new TreeMap<>(Map.of("z.y", "1", "a.b", "2", "cluster.host", "h"))));
    }

    @Test
    void editDistanceCountsASwapOfNeighboursAsOneEdit() {
        assertEquals(0, FarmConfigs.editDistance("grpc.port", "grpc.port"));
        assertEquals(1, FarmConfigs.editDistance("grpc.prot", "grpc.port"));
        assertEquals(1, FarmConfigs.editDistance("grpc.por", "grpc.port"));
        assertEquals(2, FarmConfigs.editDistance("grpc.pot", "grpc.host"));
        assertEquals(9, FarmConfigs.editDistance("", "grpc.port"));
    }

    @Test
    void clusterTlsTakesAllThreePemFilesOrBothStoresButNotBoth() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("cluster-tls", ".pem");
        try {
            assertEquals("Invalid value  for configuration cluster.tls.key.file: needed with the other cluster.tls files",
                    invalidCluster(Map.of(ClusterTls.CERT_FILE, f.toString(), ClusterTls.CA_FILE, f.toString())));
            assertEquals("cluster.tls.cert.file and cluster.tls.key.store.file are both set: the cluster's TLS takes PEM files or key stores",
                    invalidCluster(Map.of(ClusterTls.CERT_FILE, f.toString(), ClusterTls.KEY_STORE_FILE, f.toString())));
            assertEquals("Invalid value /no/ca.pem for configuration cluster.tls.ca.file: no such readable file",
                    invalidCluster(Map.of(ClusterTls.CERT_FILE, f.toString(), ClusterTls.KEY_FILE, f.toString(), ClusterTls.CA_FILE, "/no/ca.pem")));
            assertEquals("Invalid value [hidden] for configuration cluster.tls.key.store.password: needed with cluster.tls.key.store.file",
                    invalidCluster(Map.of(ClusterTls.KEY_STORE_FILE, f.toString(), ClusterTls.TRUST_STORE_FILE, f.toString())));
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    private static String invalidCluster(Map<String, String> props) {
        Map<String, String> p = new java.util.HashMap<>(props);
        p.put("kafka.bootstrap.servers", "h:1");
        return assertThrows(ConfigException.class, () -> FarmConfigs.validateCluster(new org.apache.kafka.common.config.AbstractConfig(DEF, p))).getMessage();
    }

    private static String refused(Map<String, String> props) {
        return assertThrows(ConfigException.class, () -> FarmConfigs.requireKnownKeys(DEF, props)).getMessage();
    }
}
