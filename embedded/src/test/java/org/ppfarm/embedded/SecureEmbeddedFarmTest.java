package org.ppfarm.embedded;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.worker.pipeline.EnginePipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ppfarm up --secure}'s farm: the API on TLS with API keys and inputs sealed by the client, the broker on
 * SASL_SSL only, the cluster and the artifacts port on mutual TLS. A job proves end to end over all of it (the worker fetches the circuit over TLS and
 * reads the job over SASL_SSL); the artifacts port answers no plaintext client and no certificate of another CA; and
 * the owner-only {@code kafka.properties} beside the CA is what {@code ppfarm tenants} needs to add a tenant.
 */
class SecureEmbeddedFarmTest {
    @Test
    void theSecuredEmbeddedFarmProvesAndItsKafkaSettingsAddATenant() throws Exception {
        EmbeddedFarm.Options o = new EmbeddedFarm.Options(0, null, null, new EnginePipeline.Factory(EnginePipeline.Options.withoutTables()),
                1, EmbeddedFarm.Options.defaults().protocolInputs()).secured();
        try (EmbeddedFarm farm = EmbeddedFarm.start(o)) {
            // the secured farm takes only inputs the client sealed to the workers' pinned key
            try (FarmClient c = FarmClient.builder(farm.address()).tls(farm.caFile()).apiKey(farm.apiKey())
                    .sealInputs(farm.sealKeyFingerprint()).build()) {
                Job job = c.prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(7)), java.time.Duration.ofSeconds(120));
                FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
            }
            // the Artifacts port answers a node of the farm's CA, and no one else
            Path tls = farm.caFile().getParent();
            List<String> port = List.of("127.0.0.1:" + farm.coordinator().artifactsPort());
            String unknown = "00".repeat(32);
            Path target = tls.resolve("artifact");
            ThrowawayCa.create("intruder CA").issue("intruder").write(tls.resolve("intruder.pem"), tls.resolve("intruder.key"));
            try (ArtifactDownloads farmNode = new ArtifactDownloads(NodeTls.pem(tls.resolve("node.pem"), tls.resolve("node.key"), farm.caFile()));
                 ArtifactDownloads plaintext = new ArtifactDownloads();
                 ArtifactDownloads intruder = new ArtifactDownloads(NodeTls.pem(tls.resolve("intruder.pem"), tls.resolve("intruder.key"), farm.caFile()))) {
                assertTrue(assertThrows(ArtifactDownloads.DownloadException.class, () -> farmNode.download(unknown, port, target)).unknownEverywhere());
                for (ArtifactDownloads refused : List.of(plaintext, intruder)) {
                    // the handshake fails before any answer: unreachable, or the connection closed (UNAVAILABLE)
                    var e = assertThrows(ArtifactDownloads.DownloadException.class, () -> refused.download(unknown, port, target));
                    assertFalse(e.unknownEverywhere(), e.getMessage());
                    assertTrue(e.getMessage().contains("is unreachable") || e.getMessage().contains("UNAVAILABLE"), e.getMessage());
                }
            }
            Path kafka = farm.caFile().resolveSibling("kafka.properties");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kafka)));
            Properties p = FarmConfigs.load(List.of(kafka.toString()));
            ConfigDef def = FarmConfigs.kafka(new ConfigDef());
            AbstractConfig config = new AbstractConfig(def, FarmConfigs.requireKnownKeys(def, p));
            FarmConfigs.validateKafka(config);
            String key;
            try (TenantAdmin admin = new TenantAdmin(FarmConfigs.clientProps(config), FarmConfigs.topics(config), 4, (short) 1)) {
                key = admin.add("bob", false, TenantQuotas.getDefaultInstance());
            }
            Eventually.await("bob's key to work", Duration.ofSeconds(20), () -> {
                try (FarmClient c = FarmClient.builder(farm.address()).tls(farm.caFile()).apiKey(key).build()) {
                    return !c.circuits().isEmpty();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }
}
