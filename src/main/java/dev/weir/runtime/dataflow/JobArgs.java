package dev.weir.runtime.dataflow;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code args} map of a StreamJob, with typed getters whose errors name the argument.
 *
 * <p>A job declares the arguments it takes ({@link #declare}) and reads each with its bounds
 * ({@link #getLong(String, long, long, long)}); a bad one, or one it does not take (a typo would
 * otherwise leave the default in force), throws {@link UnrecoverableJobException} of kind
 * CONFIGURATION from {@code define()}: the job fails at once with the message (the operator's
 * {@code JobConfigError}, exit code 2 from {@code weir local}) instead of restarting. Checks of its
 * own throw {@link #invalid} the same way.
 */
public final class JobArgs {

    private final Map<String, String> values;

    public JobArgs(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /**
     * Declares every argument the job takes: any other fails the job, naming the ones it takes.
     *
     * @return this, to read the arguments from
     */
    public JobArgs declare(String... names) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(Set.of(names));
        if (!unknown.isEmpty()) {
            throw invalid(unknown.iterator().next(), "not one this job takes (it takes "
                    + String.join(", ", new TreeSet<>(Set.of(names))) + ")");
        }
        return this;
    }

    public String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public String require(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw invalid(name, "required");
        }
        return value;
    }

    public long getLong(String name, long defaultValue) {
        return getLong(name, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** An integer within {@code [min, max]}; {@code defaultValue} when the argument is not given. */
    public long getLong(String name, long defaultValue, long min, long max) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", "").trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer (got \"" + value + "\")");
        }
        if (parsed < min || parsed > max) {
            String range = max == Long.MAX_VALUE ? ">= " + min
                    : min == Long.MIN_VALUE ? "<= " + max : "between " + min + " and " + max;
            throw invalid(name, "must be " + range + " (got " + parsed + ")");
        }
        return parsed;
    }

    /**
     * The failure of a job argument that can never work, for checks of the job's own, e.g.
     * {@code throw JobArgs.invalid("output", "must be a directory or s3://bucket/prefix")}, which reads
     * {@code job argument 'output': must be a directory or s3://bucket/prefix}.
     */
    public static UnrecoverableJobException invalid(String name, String problem) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                "job argument '" + name + "': " + problem);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
