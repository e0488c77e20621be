package org.ppfarm.farm.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.farm.cluster.MemberHeartbeats.Heard;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.testkit.Eventually;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link MemberHeartbeats} through a real broker: what a member hears of another, alive, gone and never seen. */
class MemberHeartbeatsTest {
    static TestBroker broker;
    static Map<String, Object> kafka;
    static final FarmTopics TOPICS = new FarmTopics("hb");

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
        kafka = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TOPICS.ensure(admin, 1, (short) 1);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Test
    void aMemberIsAliveWhileItBeatsAndSilentAWindowAfterItStops() {
        Duration window = Duration.ofSeconds(2);
        String a = "pekko://ppfarm@127.0.0.1:1", b = "pekko://ppfarm@127.0.0.1:2", never = "pekko://ppfarm@127.0.0.1:3";
        try (MemberHeartbeats ha = new MemberHeartbeats(a, kafka, TOPICS.members(), window)) {
            MemberHeartbeats hb = new MemberHeartbeats(b, kafka, TOPICS.members(), window);
            Eventually.await("a to hear itself and b", Duration.ofSeconds(30), () -> ha.heard(b), Heard.ALIVE::equals);
            assertEquals(Heard.ALIVE, ha.heard(a));
            Eventually.await("b to hear a", Duration.ofSeconds(30), () -> hb.heard(a), Heard.ALIVE::equals);
            hb.close(); // b's heartbeats stop, as a SIGKILL would stop them
            Eventually.await("a to find b silent", Duration.ofSeconds(30), () -> ha.heard(b), Heard.SILENT::equals);
            assertEquals(Heard.SILENT, ha.heard(never), "a member never heard since a started, a window ago");
            assertEquals(Heard.ALIVE, ha.heard(a), "a still hears itself, so Kafka is a witness");
        }
    }

    @Test
    void withoutKafkaNothingIsKnown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); } // nothing listens there now
        Map<String, Object> nowhere = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        try (MemberHeartbeats h = new MemberHeartbeats("pekko://ppfarm@127.0.0.1:1", nowhere, TOPICS.members(), Duration.ofSeconds(1))) {
            Thread.sleep(2_500); // past the window: never heard itself, so it cannot call anyone silent
            assertEquals(Heard.UNKNOWN, h.heard("pekko://ppfarm@127.0.0.1:2"));
            assertEquals(Heard.UNKNOWN, h.heard("pekko://ppfarm@127.0.0.1:1"));
        }
    }
}
