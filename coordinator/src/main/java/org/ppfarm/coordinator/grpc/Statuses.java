package org.ppfarm.coordinator.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.google.rpc.RetryInfo;
import io.grpc.protobuf.StatusProto;
import org.ppfarm.coordinator.tenants.Quotas;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.coordinator.inputs.InvalidInputException;
import org.ppfarm.proto.v1.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The single place where the core's typed errors become gRPC statuses:
 * unknown circuit → NOT_FOUND; refused input or upload → INVALID_ARGUMENT; a name@version taken by other artifacts,
 * or an idempotency key by another request → ALREADY_EXISTS; a job record larger than Kafka takes →
 * RESOURCE_EXHAUSTED; a tenant's quota → RESOURCE_EXHAUSTED naming it, with a google.rpc.RetryInfo detail when waiting
 * helps; a passed deadline → DEADLINE_EXCEEDED; Kafka unreachable (jobs or the registry topic) → UNAVAILABLE; anything else →
 * INTERNAL. An INTERNAL answer says only that: the exception (its class, message, the paths and library details it may hold)
 * goes to the coordinator's log, rate-limited, since a client that found a bug could otherwise flood the log with it.
 */
public final class Statuses {
    private static final Logger log = LoggerFactory.getLogger(Statuses.class);
    private static final RateLimitedLog internal = new RateLimitedLog(log, Duration.ofSeconds(10));

    private Statuses() {}

    public static StatusRuntimeException of(Throwable t) {
        Throwable e = ProverService.unwrap(t);
        return switch (e) {
            case StatusRuntimeException s -> s;
            case StatusException s -> s.getStatus().asRuntimeException();
            case CircuitRegistry.CircuitNotFoundException n -> Status.NOT_FOUND.withDescription(n.getMessage()).asRuntimeException();
            case InvalidInputException i -> Status.INVALID_ARGUMENT.withDescription(i.getMessage()).asRuntimeException();
            case CircuitRegistry.RegistryUnavailableException u -> Status.UNAVAILABLE.withDescription(u.getMessage()).asRuntimeException();
            case CircuitRegistry.RegistrationException r -> (r.getMessage().contains("already registered") ? Status.ALREADY_EXISTS
                    : r.getMessage().contains("exceeds the limit") ? Status.RESOURCE_EXHAUSTED : Status.INVALID_ARGUMENT)
                    .withDescription(r.getMessage()).asRuntimeException();
            case JobSubmitter.DeadlinePassedException d -> Status.DEADLINE_EXCEEDED.withDescription(d.getMessage()).asRuntimeException();
            case JobSubmitter.NotAvailableException u -> Status.UNAVAILABLE.withDescription(u.getMessage()).asRuntimeException();
            case JobSubmitter.LimitExceededException l -> Status.RESOURCE_EXHAUSTED.withDescription(l.getMessage()).asRuntimeException();
            case JobSubmitter.IdempotencyConflictException c -> Status.ALREADY_EXISTS.withDescription(c.getMessage()).asRuntimeException();
            case JobSubmitter.PreconditionFailedException f -> Status.FAILED_PRECONDITION.withDescription(f.getMessage()).asRuntimeException();
            case JobSubmitter.UnsupportedInputException u -> Status.UNIMPLEMENTED.withDescription(u.getMessage()).asRuntimeException();
            case Quotas.QuotaExceededException q -> q.retryAfterMillis() < 0
                    ? Status.RESOURCE_EXHAUSTED.withDescription(q.getMessage()).asRuntimeException()
                    : StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(Status.Code.RESOURCE_EXHAUSTED.value())
                    .setMessage(q.getMessage()).addDetails(Any.pack(RetryInfo.newBuilder()
                            .setRetryDelay(Durations.fromMillis(q.retryAfterMillis())).build())).build());
            default -> {
                internal.error("internal error answered to a client", e);
                yield Status.INTERNAL.withDescription("internal error; the coordinator's log has the details").asRuntimeException();
            }
        };
    }

    /** The status a finished-but-unsuccessful job is returned as from Prove. */
    public static StatusRuntimeException ofJob(Job job) {
        return switch (job.getStatus()) {
            case JOB_STATUS_FAILED, JOB_STATUS_CANCELLED, JOB_STATUS_EXPIRED ->
                    Status.fromCodeValue(job.getError().getCode()).withDescription(job.getError().getMessage()).asRuntimeException();
            default -> Status.INTERNAL.withDescription("job " + job.getJobId() + " ended in " + job.getStatus()).asRuntimeException();
        };
    }
}
