package org.ppfarm.coordinator.jobs;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One job's state and watchers. Merges every report through {@link JobStates}, tells watchers of each change, expires
 * the job when its deadline passes before a worker finished it, and stops itself a while after the job finished
 * (when nobody watches).
 */
final class JobActor extends AbstractBehavior<JobActor.Command> {
    sealed interface Command permits Merge, Event, Get, Watch, Unwatch, Cancel, DeadlinePassed, Passivate {}

    /** {@code watcher}: null, or a listener to register with the job as {@link Watch} does. */
    record Merge(Job job, JobListener watcher, ActorRef<Optional<Job>> replyTo) implements Command {}
    /** {@code reply}: called on this actor's thread with the changed state, if it changed. */
    record Event(JobEvent event, Consumer<Optional<Job>> reply) implements Command {}
    record Get(ActorRef<Optional<Job>> replyTo) implements Command {}
    /** {@code replyTo} may be null: no reply wanted. */
    record Watch(JobListener listener, ActorRef<Boolean> replyTo) implements Command {}
    record Unwatch(JobListener listener) implements Command {}
    record Cancel(ActorRef<Optional<JobTracker.CancelOutcome>> replyTo) implements Command {}
    enum DeadlinePassed implements Command { INSTANCE }
    enum Passivate implements Command { INSTANCE }

    private final String jobId;
    private final Consumer<Job> publisher;
    private final Duration retainFinished;
    private final TimerScheduler<Command> timers;
    private final List<JobListener> listeners = new ArrayList<>();
    private Job job;

    static Behavior<Command> create(String jobId, Consumer<Job> publisher, Duration retainFinished) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new JobActor(ctx, t, jobId, publisher, retainFinished)));
    }

    private JobActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, String jobId, Consumer<Job> publisher,
                     Duration retainFinished) {
        super(ctx);
        this.timers = timers;
        this.jobId = jobId;
        this.publisher = publisher;
        this.retainFinished = retainFinished;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Merge.class, m -> {
                    Optional<Job> changed = update(JobStates.merge(job, m.job()));
                    if (m.watcher() != null) {
                        m.watcher().onUpdate(job);
                        if (!JobStates.terminal(job.getStatus())) listeners.add(m.watcher());
                    }
                    if (m.replyTo() != null) m.replyTo().tell(changed);
                    return this;
                })
                .onMessage(Event.class, m -> { m.reply().accept(update(JobStates.merge(job, JobStates.fromEvent(job, m.event())))); return this; })
                .onMessage(Get.class, m -> { m.replyTo().tell(Optional.ofNullable(job)); return this; })
                .onMessage(Watch.class, m -> {
                    if (job == null) { if (m.replyTo() != null) m.replyTo().tell(false); return this; }
                    if (m.replyTo() != null) m.replyTo().tell(true);
                    m.listener().onUpdate(job);
                    if (!JobStates.terminal(job.getStatus())) listeners.add(m.listener());
                    return this;
                })
                .onMessage(Unwatch.class, m -> { listeners.remove(m.listener()); return this; })
                .onMessage(Cancel.class, m -> {
                    if (job == null) { m.replyTo().tell(Optional.empty()); return this; }
                    if (JobStates.terminal(job.getStatus())) {
                        m.replyTo().tell(Optional.of(new JobTracker.CancelOutcome(job, false)));
                        return this;
                    }
                    Job cancelled = finish(JobStatus.JOB_STATUS_CANCELLED, Status.Code.CANCELLED, "job " + jobId + " was cancelled");
                    update(cancelled);
                    m.replyTo().tell(Optional.of(new JobTracker.CancelOutcome(job, true)));
                    return this;
                })
                .onMessage(DeadlinePassed.class, m -> {
                    if (job != null && !JobStates.terminal(job.getStatus())) {
                        update(finish(JobStatus.JOB_STATUS_EXPIRED, Status.Code.DEADLINE_EXCEEDED,
                                "job " + jobId + ": deadline " + Timestamps.toString(job.getDeadline()) + " passed before it was proved; dropped"));
                        publisher.accept(job);
                    }
                    return this;
                })
                .onMessage(Passivate.class, m -> listeners.isEmpty() ? Behaviors.stopped() : this)
                .build();
    }

    private Job finish(JobStatus status, Status.Code code, String message) {
        return job.toBuilder().setStatus(status).clearResult()
                .setError(JobError.newBuilder().setCode(code.value()).setMessage(message))
                .setFinishedAt(Timestamps.fromMillis(System.currentTimeMillis())).build();
    }

    /** Adopts {@code next}; returns it if it differs from the current state. */
    private Optional<Job> update(Job next) {
        if (next.equals(job)) return Optional.empty();
        boolean hadDeadline = job != null && job.hasDeadline();
        job = next;
        if (!hadDeadline && job.hasDeadline() && !JobStates.terminal(job.getStatus())) {
            long delay = Timestamps.toMillis(job.getDeadline()) - System.currentTimeMillis();
            timers.startSingleTimer(DeadlinePassed.INSTANCE, Duration.ofMillis(Math.max(0, delay)));
        }
        for (JobListener l : List.copyOf(listeners)) l.onUpdate(job);
        if (JobStates.terminal(job.getStatus())) {
            listeners.clear();
            timers.cancel(DeadlinePassed.INSTANCE);
            timers.startSingleTimer(Passivate.INSTANCE, retainFinished);
        }
        return Optional.of(job);
    }
}
