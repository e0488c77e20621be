package org.ppfarm.coordinator.jobs;

import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;

import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator makes jobs durable: job records to the priority's jobs topic, job states to the state topic.
 * A returned future completes once the write is durable, or exceptionally when the log did not take it. The
 * production log is Kafka ({@code kafka.KafkaJobLog}); the seam lets the submission path and the gRPC edge be tested
 * in-process. Implementations are thread-safe.
 */
public interface JobLog extends AutoCloseable {

    /**
     * The largest job record (serialized {@link JobRecord}) the log takes. A larger one would be refused by the log
     * itself, after the job was recorded; the submitter refuses it first.
     */
    int maxJobRecordBytes();

    /**
     * Enqueues a job on a partition the log chooses (by job id when {@link #spread}, else by circuit). A record the
     * log can never take fails with {@link RecordTooLargeException}.
     */
    CompletableFuture<Void> publishJob(JobRecord r);

    /** Enqueues an offered job on {@code partition} of its jobs topic: one the worker it was offered to owns. */
    CompletableFuture<Void> publishJob(JobRecord r, int partition);

    /** Writes a job's state, tagged with this log's {@link #origin}. */
    CompletableFuture<Void> publishState(Job job);

    /**
     * Deletes a job's state (a tombstone on the state topic): for a job whose QUEUED state was written but whose
     * record the log did not take, so other coordinators forget it too. Best effort: a failure is logged.
     */
    void forgetState(String jobId);

    /** The jobs topic of a record's priority. */
    String jobsTopic(JobRecord r);

    /** Whether jobs go to partitions by job id (spread), so an offered job may be written to any partition. */
    boolean spread();

    /** This incarnation's writer id: unique per start, never reused by a restarted coordinator. */
    String origin();

    @Override
    void close();

    /** The log refused a record for its size: retrying cannot help. */
    final class RecordTooLargeException extends Exception {
        public RecordTooLargeException(String m) { super(m, null, false, false); }
    }
}
