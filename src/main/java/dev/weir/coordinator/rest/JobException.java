package dev.weir.coordinator.rest;

/**
 * Why an attempt of a job failed, as the REST API lists it: when, which attempt, the kind of
 * failure (an {@code AttemptFailure.Cause}), and its message, which names the task when a task failed.
 *
 * @param restarted whether the job was restarted after it (false for the failure that ended the job)
 */
public record JobException(long time, long attempt, String cause, String message, boolean restarted) {}
