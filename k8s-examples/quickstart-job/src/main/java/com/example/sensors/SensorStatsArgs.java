package com.example.sensors;

import java.util.Set;
import java.util.TreeSet;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * The job's arguments ({@code spec.job.args}), checked before anything runs. A bad one throws
 * {@link UnrecoverableJobException} of kind CONFIGURATION: the job fails at once with the
 * message (no restarts, since none could help), and the operator shows it as {@code JobConfigError}.
 *
 * @param readings how many readings to process (0 .. readings-1)
 * @param sensors  how many sensors the readings come from
 * @param rate     readings per second per subtask (0: as fast as possible)
 * @param output   a directory, or {@code s3://bucket/prefix}
 */
public record SensorStatsArgs(long readings, long sensors, long rate, String output) {

    static final Set<String> NAMES = Set.of("readings", "sensors", "rate", "output");

    public static SensorStatsArgs from(JobArgs args) {
        Set<String> unknown = new TreeSet<>(args.asMap().keySet());
        unknown.removeAll(NAMES);
        if (!unknown.isEmpty()) {
            throw invalid("job argument '" + unknown.iterator().next() + "' is not known (the job takes "
                    + String.join(", ", new TreeSet<>(NAMES)) + ")");
        }
        long readings = number(args, "readings", 100_000, 1);
        long sensors = number(args, "sensors", 100, 1);
        long rate = number(args, "rate", 0, 0);
        String output = args.get("output", "");
        if (output.isBlank()) {
            throw invalid("job argument 'output' is required: a directory or s3://bucket/prefix");
        }
        if (output.contains("://") && !output.startsWith("s3://")) {
            throw invalid("job argument 'output': '" + output + "' is neither a directory nor s3://bucket/prefix");
        }
        return new SensorStatsArgs(readings, sensors, rate, output);
    }

    private static long number(JobArgs args, String name, long defaultValue, long min) {
        long value;
        try {
            value = args.getLong(name, defaultValue);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (value < min) {
            throw invalid("job argument '" + name + "' must be at least " + min + " (got " + value + ")");
        }
        return value;
    }

    private static UnrecoverableJobException invalid(String message) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, message);
    }
}
