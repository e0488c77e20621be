package org.ppfarm.coordinator.jobs;

import org.ppfarm.proto.v1.Job;

/**
 * Receives a job's state now and at every change, on the {@link JobTracker}'s thread: calls never overlap, and the
 * last call for a job carries a terminal state. Implementations must not block (they hold up every job).
 */
@FunctionalInterface
public interface JobListener {
    void onUpdate(Job job);
}
