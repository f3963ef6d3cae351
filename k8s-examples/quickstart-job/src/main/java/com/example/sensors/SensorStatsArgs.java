package com.example.sensors;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * The job's arguments ({@code spec.job.args}), checked before anything runs. A bad one throws
 * {@link UnrecoverableJobException} of kind CONFIGURATION (what {@link JobArgs} throws): the job
 * fails at once with the message (no restarts, since none could help), and the operator shows it
 * as {@code JobConfigError}.
 *
 * @param readings how many readings to process (0 .. readings-1)
 * @param sensors  how many sensors the readings come from
 * @param rate     readings per second per subtask (0: as fast as possible)
 * @param output   a directory, or {@code s3://bucket/prefix}
 */
public record SensorStatsArgs(long readings, long sensors, long rate, String output) {

    public static SensorStatsArgs from(JobArgs args) {
        // Any other name fails: a misspelt one would otherwise leave its default in force.
        args.declare("readings", "sensors", "rate", "output");
        long readings = args.getLong("readings", 100_000, 1, Long.MAX_VALUE);
        long sensors = args.getLong("sensors", 100, 1, Long.MAX_VALUE);
        long rate = args.getLong("rate", 0, 0, Long.MAX_VALUE);
        String output = args.get("output", "");
        if (output.isBlank()) {
            throw JobArgs.invalid("output", "required: a directory or s3://bucket/prefix");
        }
        if (output.contains("://") && !output.startsWith("s3://")) {
            throw JobArgs.invalid("output", "'" + output + "' is neither a directory nor s3://bucket/prefix");
        }
        return new SensorStatsArgs(readings, sensors, rate, output);
    }
}
