package org.ppfarm.farm.jobs;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProofResult;
import org.ppfarm.proto.v1.WebhookDelivery;

/**
 * The rules that turn what coordinators and workers report into one state per job. Reports may arrive twice, late
 * or out of order (at-least-once delivery, a worker replaced mid-job), so the merge is monotonic: QUEUED < RUNNING <
 * any terminal state, and the first terminal state a job reaches is final — a second worker's result for the same
 * job is dropped, so a client sees exactly one.
 */
public final class JobStates {
    private JobStates() {}

    public static boolean terminal(JobStatus s) {
        return switch (s) {
            case JOB_STATUS_SUCCEEDED, JOB_STATUS_FAILED, JOB_STATUS_CANCELLED, JOB_STATUS_EXPIRED -> true;
            default -> false;
        };
    }

    private static int rank(JobStatus s) {
        return switch (s) {
            case JOB_STATUS_QUEUED -> 1;
            case JOB_STATUS_RUNNING -> 2;
            case JOB_STATUS_SUCCEEDED, JOB_STATUS_FAILED, JOB_STATUS_CANCELLED, JOB_STATUS_EXPIRED -> 3;
            default -> 0;
        };
    }

    /** The state after {@code incoming} is learnt on top of {@code current} (null: unknown so far). */
    public static Job merge(Job current, Job incoming) {
        if (current == null) return incoming;
        Job winner = current, other = incoming;
        if (!terminal(current.getStatus()) && rank(incoming.getStatus()) >= rank(current.getStatus())) {
            winner = incoming;
            other = current;
        }
        Job.Builder b = winner.toBuilder();
        fill(b, other);
        // a webhook's delivery moves on after the job's final state: the further one wins, terminal or not
        if (other.hasWebhook() && further(other.getWebhook(), b.getWebhook())) b.setWebhook(other.getWebhook());
        // a final state's attempts are final too: a RUNNING report that arrives after the result (it travels through
        // Kafka, the result may come by notice first) or another worker's redelivered attempt counts for nothing
        if (!terminal(current.getStatus())) {
            for (String worker : other.getStartedByList()) startedBy(b, worker);
            b.setAttempts(Math.max(b.getAttempts(), other.getAttempts()));
        }
        return b.build();
    }

    /**
     * The result with its long text fields (proof and public JSON, calldata: ~3 KB) held as UTF-8 bytes. A result is
     * written at least twice after it is parsed (the state record, the gRPC answer); protobuf encodes a String field
     * char by char each time, but copies a bytes-form field. {@code String.getBytes} of these ASCII strings is a
     * vectorised copy. Getters still return the same strings.
     */
    public static ProofResult bytesForm(ProofResult r) {
        return r.toBuilder().setProofJsonBytes(ByteString.copyFromUtf8(r.getProofJson()))
                .setPublicJsonBytes(ByteString.copyFromUtf8(r.getPublicJson()))
                .setSolidityCalldataBytes(ByteString.copyFromUtf8(r.getSolidityCalldata())).build();
    }

    /**
     * Records that {@code worker} started the job, once, and counts it in {@code attempts}. A state written before
     * workers were recorded has attempts but no workers: its count is kept when it is the larger.
     */
    private static void startedBy(Job.Builder b, String worker) {
        if (worker.isEmpty() || b.getStartedByList().contains(worker)) return;
        b.addStartedBy(worker).setAttempts(Math.max(b.getAttempts(), b.getStartedByCount()));
    }

    /** Fills the submission facts {@code b} lacks from {@code other} (a worker's event may know nothing of them). */
    private static void fill(Job.Builder b, Job other) {
        if (!b.hasCircuit() && other.hasCircuit()) b.setCircuit(other.getCircuit());
        if (!b.hasSubmittedAt() && other.hasSubmittedAt()) b.setSubmittedAt(other.getSubmittedAt());
        if (!b.hasDeadline() && other.hasDeadline()) b.setDeadline(other.getDeadline());
        if (b.getIdempotencyKey().isEmpty()) b.setIdempotencyKey(other.getIdempotencyKey());
        if (b.getRequestDigest().isEmpty()) b.setRequestDigest(other.getRequestDigest());
        if (b.getPriorityValue() == 0) b.setPriority(other.getPriority());
        if (b.getTenant().isEmpty()) b.setTenant(other.getTenant());
        if (!b.hasWebhook() && other.hasWebhook()) b.setWebhook(other.getWebhook());
    }

    /** Whether delivery {@code a} is further than {@code b}: a final state (delivered, failed) over a pending one, then more attempts. */
    private static boolean further(WebhookDelivery a, WebhookDelivery b) {
        int ra = a.getState() == WebhookDelivery.State.STATE_PENDING ? 0 : 1, rb = b.getState() == WebhookDelivery.State.STATE_PENDING ? 0 : 1;
        return ra != rb ? ra > rb : a.getAttempts() > b.getAttempts();
    }

    /**
     * The QUEUED state of a job as its record on the jobs topic describes it: what the submitting coordinator tracks,
     * what a restarted coordinator re-learns for jobs workers have not finished, and the {@code submission} a worker
     * copies into its terminal event. The sealed input stays out.
     */
    public static Job queued(JobRecord r) {
        Job.Builder b = Job.newBuilder().setJobId(r.getJobId()).setStatus(JobStatus.JOB_STATUS_QUEUED).setCircuit(r.getCircuit())
                .setPriority(r.getPriority()).setSubmittedAt(r.getSubmittedAt()).setIdempotencyKey(r.getIdempotencyKey())
                .setRequestDigest(r.getRequestDigest()).setTenant(r.getTenant());
        if (r.hasDeadline()) b.setDeadline(r.getDeadline());
        return b.build();
    }

    /**
     * The state after a worker's event {@code e} is learnt on top of {@code current} (null: unknown), as
     * {@code merge(current, fromEvent(current, e))}. A final state takes nothing from an event but submission facts it
     * lacks, so for one — the Kafka copy of a result a notice brought first, a duplicate, a late RUNNING report — the
     * event's result is not copied, and {@code current} itself is returned when the event adds no fact.
     */
    public static Job apply(Job current, JobEvent e) {
        if (current == null || !terminal(current.getStatus())) return merge(current, fromEvent(current, e));
        if (!e.hasSubmission()) return current;
        Job.Builder b = current.toBuilder();
        fill(b, e.getSubmission());
        Job filled = b.build();
        return filled.equals(current) ? current : filled;
    }

    /**
     * What a worker's event says about a job whose state is {@code current} (null: unknown). The worker that sent it
     * started the job: its started event says so, and so does its terminal event for a job that finished before it
     * was reported running (quick jobs skip the {@code started} event). {@code attempts} counts distinct workers, so
     * the same worker's events, repeated or redelivered, count once, and a job handed back and taken by another
     * worker counts two.
     */
    public static Job fromEvent(Job current, JobEvent e) {
        Job.Builder b = (current == null ? Job.newBuilder().setJobId(e.getJobId()) : current.toBuilder());
        if (e.hasSubmission()) fill(b, e.getSubmission());
        if (e.getEventCase() != JobEvent.EventCase.EVENT_NOT_SET) startedBy(b, e.getWorkerId());
        switch (e.getEventCase()) {
            case STARTED -> b.setStatus(JobStatus.JOB_STATUS_RUNNING);
            case SUCCEEDED -> b.setStatus(JobStatus.JOB_STATUS_SUCCEEDED).setResult(bytesForm(e.getSucceeded())).setFinishedAt(e.getAt());
            case FAILED -> {
                JobStatus s = switch (Status.fromCodeValue(e.getFailed().getCode()).getCode()) {
                    case DEADLINE_EXCEEDED -> JobStatus.JOB_STATUS_EXPIRED;
                    case CANCELLED -> JobStatus.JOB_STATUS_CANCELLED;
                    default -> JobStatus.JOB_STATUS_FAILED;
                };
                b.setStatus(s).setError(e.getFailed()).setFinishedAt(e.getAt());
            }
            case EVENT_NOT_SET -> { /* nothing to learn */ }
        }
        return b.build();
    }
}
