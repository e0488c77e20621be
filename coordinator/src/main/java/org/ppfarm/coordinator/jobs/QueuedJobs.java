package org.ppfarm.coordinator.jobs;

import com.google.protobuf.util.Timestamps;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.Priority;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The jobs QUEUED as this coordinator knows them (every coordinator knows every job through the state topic), per
 * priority: how many, and when the oldest was submitted. The {@link JobTracker} keeps it as jobs enter and leave
 * QUEUED, in O(log n) per change (a sorted set of (submitted_at, job id) per priority); the metrics' scrape thread
 * reads only the published count and oldest submission time, never the tracker's sets.
 *
 * <p>{@link #change} runs on the tracker's thread only; {@link #count} and {@link #oldestSubmittedAt} are safe from
 * any thread. A reader may see one priority's count and oldest time from two neighbouring changes.
 */
public final class QueuedJobs {
    /** The priorities reported; a job submitted with UNSPECIFIED counts as NORMAL. */
    public static final List<Priority> PRIORITIES = List.of(Priority.PRIORITY_LOW, Priority.PRIORITY_NORMAL, Priority.PRIORITY_HIGH);

    private record Queued(long submittedAt, String jobId) {}

    private static final Comparator<Queued> OLDEST_FIRST = Comparator.comparingLong(Queued::submittedAt).thenComparing(Queued::jobId);

    @SuppressWarnings("unchecked")
    private final TreeSet<Queued>[] queued = new TreeSet[PRIORITIES.size()];
    private final AtomicLongArray counts = new AtomicLongArray(PRIORITIES.size());
    private final AtomicLongArray oldest = new AtomicLongArray(PRIORITIES.size());

    public QueuedJobs() {
        for (int i = 0; i < queued.length; i++) queued[i] = new TreeSet<>(OLDEST_FIRST);
    }

    /** Moves a job from its previous state {@code before} (null: new) to {@code after} (null: forgotten). */
    void change(Job before, Job after) {
        if (before != null && before.getStatus() == JobStatus.JOB_STATUS_QUEUED) leave(before);
        if (after != null && after.getStatus() == JobStatus.JOB_STATUS_QUEUED) enter(after);
    }

    private void enter(Job job) {
        int i = index(job.getPriority());
        queued[i].add(key(job));
        publish(i);
    }

    private void leave(Job job) {
        int i = index(job.getPriority());
        queued[i].remove(key(job));
        publish(i);
    }

    private void publish(int i) {
        TreeSet<Queued> q = queued[i];
        oldest.set(i, q.isEmpty() ? 0 : q.first().submittedAt());
        counts.set(i, q.size());
    }

    /** Jobs QUEUED at {@code priority} (UNSPECIFIED: NORMAL). */
    public long count(Priority priority) { return counts.get(index(priority)); }

    /** Submission time (epoch ms) of the oldest job QUEUED at {@code priority}; 0 when none is. */
    public long oldestSubmittedAt(Priority priority) { return oldest.get(index(priority)); }

    private static Queued key(Job job) {
        return new Queued(job.hasSubmittedAt() ? Timestamps.toMillis(job.getSubmittedAt()) : 0, job.getJobId());
    }

    private static int index(Priority p) {
        return switch (p) {
            case PRIORITY_LOW -> 0;
            case PRIORITY_HIGH -> 2;
            default -> 1; // NORMAL, UNSPECIFIED (treated as NORMAL), and a value this version does not know
        };
    }
}
