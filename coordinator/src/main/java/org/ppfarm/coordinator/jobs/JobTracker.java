package org.ppfarm.coordinator.jobs;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The coordinator's job tracker: a typed actor owning one child {@link JobActor} per job it knows, and the
 * idempotency keys in use. Every state change — from this coordinator's own submissions, from worker events, from
 * the replicated state topic — is sent here and merged by the job's actor ({@link JobStates}), which also notifies
 * watchers and expires jobs whose deadline passes while queued.
 *
 * <p>Protocol: the nested {@link Command} records; failures are replies (an empty Optional for an unknown job), never
 * exceptions.
 */
public final class JobTracker extends AbstractBehavior<JobTracker.Command> {

    public sealed interface Command permits Learn, Enqueue, ApplyEvents, Get, Watch, Unwatch, Cancel, Removed {}

    /**
     * A state learnt from a submission or the state topic; replies with the merged state if it changed. A non-null
     * {@code watcher} is registered with the job in the same step (as {@link Watch} would), so a submission that
     * waits for its result needs no second round trip. {@code replyTo} may be null: no reply wanted.
     */
    public record Learn(Job job, JobListener watcher, ActorRef<Optional<Job>> replyTo) implements Command {
        public Learn(Job job, ActorRef<Optional<Job>> replyTo) { this(job, null, replyTo); }
    }

    /**
     * New jobs from one submission (Submit: one job; SubmitBatch: many), in one message. In order, each job's
     * idempotency key (if any) is claimed: a job whose key another job already holds is a replay and is not
     * recorded (its watcher, if any, is registered with the holder instead); every other job is recorded, with its
     * watcher, as {@link Learn} does. {@code watchers} is null or parallel to {@code jobs} (null entries: none).
     * Replies, if {@code replyTo} is not null, with the id that holds each job's key (the job's own id if new); a
     * batch without keys needs no reply, and as a tell its jobs are ordered before any later message about them.
     */
    public record Enqueue(List<Job> jobs, List<JobListener> watchers, ActorRef<List<String>> replyTo) implements Command {}

    /**
     * Worker events polled together; replies once every one is merged, with the states they changed in the order
     * the events came (duplicates and late results change nothing and are left out).
     */
    public record ApplyEvents(List<JobEvent> events, ActorRef<List<Job>> replyTo) implements Command {}

    public record Get(String jobId, ActorRef<Optional<Job>> replyTo) implements Command {}

    /** Registers a listener; replies false (and never calls it) for an unknown job. */
    public record Watch(String jobId, JobListener listener, ActorRef<Boolean> replyTo) implements Command {}

    public record Unwatch(String jobId, JobListener listener) implements Command {}

    /** Cancels an unfinished job; replies with the cancelled state (to publish) or the job as it is if finished. */
    public record Cancel(String jobId, ActorRef<Optional<CancelOutcome>> replyTo) implements Command {}

    record Removed(String jobId) implements Command {}

    /** The job after a cancel request, and whether the request changed it. */
    public record CancelOutcome(Job job, boolean changed) {}

    private final Consumer<Job> publisher;
    private final Duration retainFinished;
    private final Map<String, ActorRef<JobActor.Command>> jobs = new HashMap<>();
    private final Map<String, String> idempotency = new HashMap<>();
    private final Map<String, String> keyOfJob = new HashMap<>();

    /**
     * @param publisher      writes a state the tracker decided on its own (a deadline passed) to the state topic
     * @param retainFinished how long a finished job stays in memory
     */
    public static Behavior<Command> create(Consumer<Job> publisher, Duration retainFinished) {
        return Behaviors.setup(ctx -> new JobTracker(ctx, publisher, retainFinished));
    }

    private JobTracker(ActorContext<Command> ctx, Consumer<Job> publisher, Duration retainFinished) {
        super(ctx);
        this.publisher = publisher;
        this.retainFinished = retainFinished;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Learn.class, m -> {
                    if (!m.job().getIdempotencyKey().isEmpty()) reserve(m.job().getIdempotencyKey(), m.job().getJobId());
                    job(m.job().getJobId()).tell(new JobActor.Merge(m.job(), m.watcher(), m.replyTo()));
                    return this;
                })
                .onMessage(ApplyEvents.class, m -> {
                    Batch batch = new Batch(m.events().size(), m.replyTo());
                    for (int i = 0; i < m.events().size(); i++) {
                        JobEvent e = m.events().get(i);
                        job(e.getJobId()).tell(new JobActor.Event(e, batch.slot(i)));
                    }
                    return this;
                })
                .onMessage(Get.class, m -> {
                    var ref = jobs.get(m.jobId());
                    if (ref == null) m.replyTo().tell(Optional.empty());
                    else ref.tell(new JobActor.Get(m.replyTo()));
                    return this;
                })
                .onMessage(Watch.class, m -> {
                    var ref = jobs.get(m.jobId());
                    if (ref == null) m.replyTo().tell(false);
                    else ref.tell(new JobActor.Watch(m.listener(), m.replyTo()));
                    return this;
                })
                .onMessage(Unwatch.class, m -> {
                    var ref = jobs.get(m.jobId());
                    if (ref != null) ref.tell(new JobActor.Unwatch(m.listener()));
                    return this;
                })
                .onMessage(Cancel.class, m -> {
                    var ref = jobs.get(m.jobId());
                    if (ref == null) m.replyTo().tell(Optional.empty());
                    else ref.tell(new JobActor.Cancel(m.replyTo()));
                    return this;
                })
                .onMessage(Enqueue.class, m -> {
                    List<String> holders = m.replyTo() == null ? null : new ArrayList<>(m.jobs().size());
                    for (int i = 0; i < m.jobs().size(); i++) {
                        Job job = m.jobs().get(i);
                        JobListener watcher = m.watchers() == null ? null : m.watchers().get(i);
                        String holder = job.getIdempotencyKey().isEmpty() ? job.getJobId() : reserve(job.getIdempotencyKey(), job.getJobId());
                        if (holder.equals(job.getJobId())) job(job.getJobId()).tell(new JobActor.Merge(job, watcher, null));
                        else if (watcher != null && jobs.get(holder) != null) jobs.get(holder).tell(new JobActor.Watch(watcher, null));
                        if (holders != null) holders.add(holder);
                    }
                    if (holders != null) m.replyTo().tell(holders);
                    return this;
                })
                .onMessage(Removed.class, m -> {
                    jobs.remove(m.jobId());
                    String key = keyOfJob.remove(m.jobId());
                    if (key != null) idempotency.remove(key, m.jobId());
                    return this;
                })
                .build();
    }

    /**
     * Collects the job actors' answers to one {@link ApplyEvents} and replies once all are in: one reply per poll of
     * the events topic instead of one ask per event. Job actors run on any dispatcher thread, hence the atomics.
     */
    private static final class Batch {
        private final AtomicReferenceArray<Job> changed;
        private final AtomicInteger left;
        private final ActorRef<List<Job>> replyTo;

        Batch(int size, ActorRef<List<Job>> replyTo) {
            this.changed = new AtomicReferenceArray<>(size);
            this.left = new AtomicInteger(size);
            this.replyTo = replyTo;
            if (size == 0) replyTo.tell(List.of());
        }

        Consumer<Optional<Job>> slot(int i) {
            return o -> {
                o.ifPresent(j -> changed.set(i, j));
                if (left.decrementAndGet() == 0) {
                    List<Job> out = new ArrayList<>();
                    for (int k = 0; k < changed.length(); k++) if (changed.get(k) != null) out.add(changed.get(k));
                    replyTo.tell(out);
                }
            };
        }
    }

    private String reserve(String key, String jobId) {
        String holder = idempotency.computeIfAbsent(key, k -> jobId);
        if (holder.equals(jobId)) keyOfJob.put(jobId, key);
        return holder;
    }

    private ActorRef<JobActor.Command> job(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> {
            ActorRef<JobActor.Command> ref = getContext().spawnAnonymous(JobActor.create(id, publisher, retainFinished));
            getContext().watchWith(ref, new Removed(id));
            return ref;
        });
    }
}
