package dev.weir.local;

import java.util.Optional;

import dev.weir.coordinator.AttemptFailure;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.usercode.UserCode;

/**
 * Builds the job's graph once in this process, in a class loader of its own that is closed again,
 * before anything else starts: a job class that cannot be loaded, a missing dependency, or a
 * {@code define()} that rejects its arguments fails {@code weir local} in a fraction of a second,
 * with no checkpoint store started and nothing left in the state directory. The workers build the
 * graph again themselves; this only finds out early what they would fail on. (The operator never
 * does this: it runs no user code, issue 11.)
 */
final class JobPreflight {

    private JobPreflight() {}

    /** Why the job cannot run, as a failure no restart heals; empty when its graph builds. */
    static Optional<AttemptFailure> check(InProcessDeployer.JobSpecification job) {
        try (UserCode code = UserCode.open(job.jar())) {
            code.buildGraph(code.jobDefinition(job.className()), job.parallelism(), job.maxParallelism(), job.args());
            return Optional.empty();
        } catch (UnrecoverableJobException e) {
            return Optional.of(AttemptFailure.of(AttemptFailure.Cause.WorkerFailed, e.getMessage(), e));
        } catch (RuntimeException e) {
            // Not a verdict (UserCode classifies what is the job's own fault): the workers judge it.
            return Optional.empty();
        }
    }
}
