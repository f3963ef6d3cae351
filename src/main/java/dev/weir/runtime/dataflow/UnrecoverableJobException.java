package dev.weir.runtime.dataflow;

/**
 * A failure that no restart can heal: the job's class cannot be loaded or built, a record type
 * cannot be serialized, an argument or connector setting can never work. Thrown anywhere a job
 * runs (building the graph, in a function, in a connector), it fails the job at once with its
 * message instead of restarting it (Flink's {@code SuppressRestartsException}). Anything else a
 * task throws is treated as transient and restarted from the latest checkpoint.
 */
public class UnrecoverableJobException extends RuntimeException {

    /** What kind of mistake it is; the operator shows it as the reason of the Ready condition. */
    public enum Kind {
        /** The job class is missing, is no JobDefinition, lacks a dependency, or its define() threw. */
        JOB_CLASS,
        /** The job jar cannot be used: not found, not a jar, or its checksum differs from the spec's. */
        JOB_JAR,
        /** A record, key or state type that cannot be serialized where it must be. */
        SERIALIZATION,
        /** An argument or connector setting that can never work (a topic that does not exist, a bad URI). */
        CONFIGURATION
    }

    private final Kind kind;

    public UnrecoverableJobException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UnrecoverableJobException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The first unrecoverable failure in {@code failure}'s cause chain, or null if there is none. A
     * class that is missing at run time (a {@link NoClassDefFoundError} for a class no class loader
     * has: a dependency left out of the job jar) counts too: every restart would miss it again. A
     * class whose static initializer failed ("Could not initialize class …") does not: a new worker
     * JVM runs the initializer again, and what failed it may have been transient.
     */
    public static UnrecoverableJobException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnrecoverableJobException u) {
                return u;
            }
            if (t instanceof NoClassDefFoundError missing && isMissingClass(missing)) {
                return new UnrecoverableJobException(Kind.JOB_CLASS, "class " + className(missing)
                        + " is missing at run time: a dependency the job needs is not in its jar (shade it in)", missing);
            }
        }
        return null;
    }

    private static boolean isMissingClass(NoClassDefFoundError error) {
        String message = error.getMessage();
        return message != null && !message.startsWith("Could not initialize class");
    }

    private static String className(NoClassDefFoundError error) {
        return "'" + error.getMessage().replace('/', '.') + "'";
    }
}
