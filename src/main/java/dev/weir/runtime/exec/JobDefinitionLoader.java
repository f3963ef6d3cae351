package dev.weir.runtime.exec;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Finds the user's job class on the classpath and builds its graph, with errors that say what is
 * wrong. Every error here is one no restart can heal.
 */
public final class JobDefinitionLoader {

    private JobDefinitionLoader() {}

    public static JobDefinition load(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                    "job class '" + className + "' was not found on the classpath", e);
        } catch (LinkageError e) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                    "job class '" + className + "' cannot be loaded: " + e, e);
        }
        if (!JobDefinition.class.isAssignableFrom(type)) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS, "job class '" + className
                    + "' does not implement " + JobDefinition.class.getName());
        }
        try {
            return (JobDefinition) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS, "job class '" + className
                    + "' needs a public no-argument constructor: " + e, e);
        }
    }

    /** Builds the job's graph for one subtask; a define() that throws is the job's own mistake. */
    public static JobGraph build(JobDefinition definition, String className, int parallelism, int maxParallelism,
                                 JobArgs args) {
        StreamEnvironment env = new StreamEnvironment(parallelism, maxParallelism);
        try {
            definition.define(env, args);
            return new JobGraph(env);
        } catch (UnrecoverableJobException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                    "job class '" + className + "' could not build its job: " + e.getMessage(), e);
        }
    }
}
