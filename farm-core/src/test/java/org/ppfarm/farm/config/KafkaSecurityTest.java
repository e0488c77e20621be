package org.ppfarm.farm.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The keys' translation and cross-checks; SecureKafkaTest (embedded) runs them against a TLS + SCRAM broker. */
class KafkaSecurityTest {
    static final ConfigDef DEF = FarmConfigs.kafka(new ConfigDef());

    static AbstractConfig config(Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(Map.of(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, "h:9093"));
        p.putAll(extra);
        AbstractConfig c = new AbstractConfig(DEF, FarmConfigs.requireKnownKeys(DEF, p));
        FarmConfigs.validateKafka(c);
        return c;
    }

    @Test
    void plaintextAddsNothingSoKafkaClientKeysKeepWorking() {
        Map<String, Object> p = FarmConfigs.clientProps(config(Map.of("kafka.client.security.protocol", "SSL")));
        assertEquals(Map.of("bootstrap.servers", "h:9093", "security.protocol", "SSL"), p);
    }

    @Test
    void saslSslBecomesAScramJaasLineWithThePasswordQuotedAndHidden() throws Exception {
        Path ca = Files.createTempFile("ca", ".pem");
        Map<String, Object> p = FarmConfigs.clientProps(config(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL",
                KafkaSecurity.TRUSTSTORE_FILE, ca.toString(), KafkaSecurity.SASL_USERNAME, "farm",
                KafkaSecurity.SASL_PASSWORD, "a\"b\\c")));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        assertEquals(ca.toString(), p.get("ssl.truststore.location"));
        assertEquals("PEM", p.get("ssl.truststore.type"));
        Password jaas = (Password) p.get("sasl.jaas.config");
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"farm\" password=\"a\\\"b\\\\c\";", jaas.value());
        assertFalse(p.toString().contains("a\"b"), "the password is hidden when the properties are printed");
        Files.delete(ca);
    }

    @Test
    void eachMistakeIsNamed() {
        assertEquals("Invalid value  for configuration kafka.sasl.username: needed with kafka.security.protocol=SASL_SSL",
                refused(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL", KafkaSecurity.SASL_PASSWORD, "p")));
        assertEquals("Invalid value [hidden] for configuration kafka.sasl.password: needed with kafka.security.protocol=SASL_SSL",
                refused(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL", KafkaSecurity.SASL_USERNAME, "u")));
        assertEquals("kafka.sasl.username is set but kafka.security.protocol is SSL (SASL_SSL uses it)",
                refused(Map.of(KafkaSecurity.PROTOCOL, "SSL", KafkaSecurity.SASL_USERNAME, "u")));
        assertEquals("kafka.ssl.truststore.file is set but kafka.security.protocol is PLAINTEXT (SSL or SASL_SSL use it)",
                refused(Map.of(KafkaSecurity.TRUSTSTORE_FILE, "/ca.pem")));
        assertEquals("Invalid value /no/such/ca.pem for configuration kafka.ssl.truststore.file: no such readable file",
                refused(Map.of(KafkaSecurity.PROTOCOL, "SSL", KafkaSecurity.TRUSTSTORE_FILE, "/no/such/ca.pem")));
        assertEquals("kafka.client.security.protocol conflicts with the kafka.security/ssl/sasl keys; set one of them",
                refused(Map.of(KafkaSecurity.PROTOCOL, "SSL", "kafka.client.security.protocol", "SSL")));
        assertEquals("unknown config key 'kafka.sasl.pasword' (did you mean 'kafka.sasl.password'?)",
                refused(Map.of("kafka.sasl.pasword", "p")));
    }

    private static String refused(Map<String, Object> p) {
        return assertThrows(ConfigException.class, () -> config(p)).getMessage();
    }
}
