package org.ppfarm.cli;

import org.junit.jupiter.api.Test;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.coordinator.tenants.ApiKeys;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ppfarm tenants} against a real broker: keys printed once and never listed; refusals in one line. */
class TenantsCommandTest {
    @Test
    void addRotateQuotaRevokeListAndAllowPlaintext() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = "kafka.bootstrap.servers=" + kafka.bootstrapServers();
            PpfarmCliTest.Run add = PpfarmCliTest.ppfarm("tenants", "add", "relayer", "--admin", "--jobs-per-second", 5, bootstrap);
            assertEquals(Ppfarm.OK, add.code(), add.err());
            String key = apiKey(add.out());
            assertEquals("relayer", ApiKeys.parse(key).tenant());
            PpfarmCliTest.ppfarm("tenants", "add", "relayer", bootstrap).assertOneLineError("tenant relayer exists");
            PpfarmCliTest.Run rotate = PpfarmCliTest.ppfarm("tenants", "rotate", "relayer", bootstrap);
            assertEquals(Ppfarm.OK, rotate.code(), rotate.err());
            assertNotEquals(key, apiKey(rotate.out()));
            PpfarmCliTest.Run webhook = PpfarmCliTest.ppfarm("tenants", "webhook", "relayer", "--allow-host", "hooks.example.org", bootstrap);
            assertEquals(Ppfarm.OK, webhook.code(), webhook.err());
            assertTrue(webhook.out().lines().anyMatch(l -> l.matches("webhook-secret: whsec_[A-Za-z0-9_-]{43}")), webhook.out());
            PpfarmCliTest.ppfarm("tenants", "webhook", "nobody", "--allow-host", "h", bootstrap).assertOneLineError("no tenant nobody");
            // quotas changed after add: the options given replace theirs, the others stay
            PpfarmCliTest.Run quota = PpfarmCliTest.ppfarm("tenants", "quota", "relayer", "--max-in-flight", 7, "--max-priority", "normal", bootstrap);
            assertEquals(Ppfarm.OK, quota.code(), quota.err());
            String listed = PpfarmCliTest.ppfarm("tenants", "list", bootstrap).out();
            assertTrue(listed.contains("\"jobsPerSecond\": 5.0") && listed.contains("\"maxInFlight\": 7") && listed.contains("PRIORITY_NORMAL"), listed);
            assertEquals(Ppfarm.OK, PpfarmCliTest.ppfarm("tenants", "quota", "relayer", "--jobs-per-second", 0, "--max-priority", "any", bootstrap).code());
            listed = PpfarmCliTest.ppfarm("tenants", "list", bootstrap).out();
            assertTrue(!listed.contains("jobsPerSecond") && listed.contains("\"maxInFlight\": 7") && !listed.contains("PRIORITY_"), listed);
            PpfarmCliTest.ppfarm("tenants", "quota", "relayer", bootstrap).assertOneLineError("name a quota to change");
            PpfarmCliTest.ppfarm("tenants", "quota", "relayer", "--burst", -1, bootstrap).assertOneLineError("--burst -1: 0 (none) or positive");
            PpfarmCliTest.ppfarm("tenants", "quota", "relayer", "--max-priority", "urgent", bootstrap).assertOneLineError("--max-priority urgent");
            PpfarmCliTest.ppfarm("tenants", "quota", "nobody", "--max-batch", 3, bootstrap).assertOneLineError("no tenant nobody");
            assertEquals(Ppfarm.OK, PpfarmCliTest.ppfarm("tenants", "revoke", "relayer", bootstrap).code());
            PpfarmCliTest.Run list = PpfarmCliTest.ppfarm("tenants", "list", bootstrap);
            assertEquals(Ppfarm.OK, list.code(), list.err());
            assertTrue(list.out().startsWith("relayer admin revoked quotas"), list.out());
            assertFalse(list.out().contains(key.substring(key.lastIndexOf('.') + 1)), "list never shows a key");
            PpfarmCliTest.ppfarm("tenants", "revoke", "nobody", bootstrap).assertOneLineError("no tenant nobody");
            PpfarmCliTest.Run legacy = PpfarmCliTest.ppfarm("tenants", "add", "legacy", "--allow-plaintext", bootstrap);
            assertEquals(Ppfarm.OK, legacy.code(), legacy.err());
            assertTrue(legacy.out().startsWith("tenant legacy added (plaintext inputs allowed)"), legacy.out());
            assertTrue(PpfarmCliTest.ppfarm("tenants", "list", bootstrap).out().contains("legacy plaintext"));
            assertEquals(Ppfarm.OK, PpfarmCliTest.ppfarm("tenants", "plaintext", "legacy", "--refuse", bootstrap).code());
            assertTrue(PpfarmCliTest.ppfarm("tenants", "list", bootstrap).out().lines().anyMatch(l -> l.equals("legacy")));
            PpfarmCliTest.ppfarm("tenants", "plaintext", "nobody", "--allow", bootstrap).assertOneLineError("no tenant nobody");
        }
    }

    private static String apiKey(String out) {
        String line = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("api-key: ")).findFirst().orElse(null);
        assertNotNull(line, out);
        return line.substring("api-key: ".length()).strip();
    }
}
