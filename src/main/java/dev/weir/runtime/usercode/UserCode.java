package dev.weir.runtime.usercode;

import java.io.IOException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.exec.JobGraph;

/**
 * The user's code for one attempt: the job jar in its own {@link UserCodeClassLoader} (or, for a
 * job baked into the image, Weir's own class path), and the job class loaded from it. Loading and
 * {@code define()} run with that class loader as the thread's context class loader, as the task
 * threads do; failures become {@link UnrecoverableJobException}s of kind JOB_CLASS that say what
 * is wrong in the user's terms. Close it when the attempt has ended.
 */
public final class UserCode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UserCode.class);

    private final ClassLoader classLoader;
    private final UserCodeClassLoader ownLoader;
    private final LocalJobJar jar;

    private UserCode(ClassLoader classLoader, UserCodeClassLoader ownLoader, LocalJobJar jar) {
        this.classLoader = classLoader;
        this.ownLoader = ownLoader;
        this.jar = jar;
    }

    /**
     * @param jar the job jar, or null when the job class is on Weir's own class path (baked into
     *     the image, or one of Weir's examples)
     */
    public static UserCode open(LocalJobJar jar) {
        ClassLoader weir = UserCode.class.getClassLoader();
        if (jar == null) {
            return new UserCode(weir, null, null);
        }
        UserCodeClassLoader loader = new UserCodeClassLoader(jar.file(), weir, ParentFirstPackages.defaults());
        return new UserCode(loader, loader, jar);
    }

    /** Where user classes come from: the attempt's user-code class loader or Weir's. */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** "job jar file:///..." or "Weir's class path": where a class was looked for, for messages. */
    public String origin() {
        return jar == null ? "Weir's class path (spec.job.jarURI is not set)" : "job jar " + jar.uri();
    }

    /** Loads and instantiates the job class. */
    public JobDefinition jobDefinition(String className) {
        return withContextClassLoader(() -> new JobClassLoading(classLoader, origin(), jar).instantiate(className));
    }

    /** Builds the job's graph for one subtask: {@link #define} and the graph's own checks. */
    public JobGraph buildGraph(JobDefinition job, int parallelism, int maxParallelism, JobArgs args) {
        StreamEnvironment env = new StreamEnvironment(parallelism, maxParallelism);
        define(job, env, args);
        try {
            return new JobGraph(env);
        } catch (UnrecoverableJobException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                    "job class '" + job.getClass().getName() + "' defined an invalid job: " + e.getMessage(), e);
        }
    }

    /** Runs the job's {@code define()}; any failure is the job's own and fails the job (JOB_CLASS). */
    public void define(JobDefinition job, StreamEnvironment env, JobArgs args) {
        String className = job.getClass().getName();
        withContextClassLoader(() -> {
            try {
                job.define(env, args);
            } catch (UnrecoverableJobException e) {
                throw e;
            } catch (LinkageError e) {
                throw JobClassLoading.linkageFailure(className, origin(), "define()", e);
            } catch (Exception e) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                        "job class '" + className + "' failed in define(): " + e, e);
            }
            return null;
        });
    }

    private <T> T withContextClassLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() {
        if (ownLoader != null) {
            try {
                ownLoader.close();
            } catch (IOException e) {
                LOG.warn("closing the class loader of {} failed: {}", origin(), e.toString());
            }
        }
    }
}
