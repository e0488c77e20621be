package org.ppfarm.farm.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.kafka.KafkaJobLog;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStateRecord;
import org.ppfarm.proto.v1.JobStatus;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State records as followers see them on a real broker: the status and origin headers {@link KafkaJobLog} writes, the
 * value parsed only on demand, and records without headers (written before the headers existed) still readable.
 */
class StateFollowerTest {
    record Seen(JobStatus headerStatus, String origin, JobStatus parsedStatus) {}

    @Test
    void headersCarryStatusAndOriginAndOldRecordsStillParse() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrapServers());
            FarmTopics topics = new FarmTopics("sf");
            int limit;
            try (Admin admin = Admin.create(props)) {
                topics.ensure(admin, 2, (short) 1);
                limit = KafkaJobLog.jobsTopicsMaxMessageBytes(admin, topics);
            }
            Map<String, Seen> seen = new ConcurrentHashMap<>();
            try (KafkaJobLog a = new KafkaJobLog(props, "a", topics, false, limit); KafkaJobLog b = new KafkaJobLog(props, "a", topics, false, limit);
                 KafkaProducer<String, byte[]> raw = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                assertNotEquals(a.origin(), b.origin(), "every start is a new incarnation, even under the same id");
                a.publishState(job("queued", JobStatus.JOB_STATUS_QUEUED)).get(30, TimeUnit.SECONDS);
                b.publishState(job("done", JobStatus.JOB_STATUS_SUCCEEDED)).get(30, TimeUnit.SECONDS);
                raw.send(new ProducerRecord<>(topics.state(), "old", JobStateRecord.newBuilder()
                        .setJob(job("old", JobStatus.JOB_STATUS_CANCELLED)).build().toByteArray())).get(30, TimeUnit.SECONDS);
                StateFollower f = new StateFollower(props, "t", topics.state(), (jobId, status, origin, job) ->
                        seen.put(jobId, new Seen(status, origin, job.get().getStatus()))).start();
                try {
                    assertTrue(f.awaitCaughtUp(Duration.ofSeconds(60)));
                } finally {
                    f.close();
                }
                assertEquals(new Seen(JobStatus.JOB_STATUS_QUEUED, a.origin(), JobStatus.JOB_STATUS_QUEUED), seen.get("queued"));
                assertEquals(new Seen(JobStatus.JOB_STATUS_SUCCEEDED, b.origin(), JobStatus.JOB_STATUS_SUCCEEDED), seen.get("done"));
                Seen old = seen.get("old");
                assertNull(old.headerStatus());
                assertNull(old.origin());
                assertEquals(JobStatus.JOB_STATUS_CANCELLED, old.parsedStatus());
            }
        }
    }

    static Job job(String id, JobStatus status) {
        return Job.newBuilder().setJobId(id).setStatus(status).build();
    }
}
