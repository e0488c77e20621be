package org.ppfarm.worker;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.ProofResult;

/** The job events one worker writes: started, succeeded, failed; each names the worker and when it happened. */
final class JobEvents {
    private final String workerId;

    JobEvents(String workerId) { this.workerId = workerId; }

    /** The job's RUNNING report: it has been proving since {@code startMillis}. */
    JobEvent started(String jobId, long startMillis) {
        return JobEvent.newBuilder().setJobId(jobId).setWorkerId(workerId).setAt(Timestamps.fromMillis(startMillis))
                .setStarted(JobEvent.Started.getDefaultInstance()).build();
    }

    JobEvent succeeded(String jobId, ProofResult.Builder result) {
        return JobEvent.newBuilder().setJobId(jobId).setWorkerId(workerId).setAt(Timestamps.fromMillis(System.currentTimeMillis()))
                .setSucceeded(result).build();
    }

    JobEvent failed(String jobId, Status.Code code, String message) {
        return JobEvent.newBuilder().setJobId(jobId).setWorkerId(workerId).setAt(Timestamps.fromMillis(System.currentTimeMillis()))
                .setFailed(JobError.newBuilder().setCode(code.value()).setMessage(message)).build();
    }
}
