package dev.weir.runtime.dataflow;

/**
 * User code: builds the dataflow of a job from its arguments. Named by class in the StreamJob
 * spec and found on the classpath; every worker calls it and must get the same graph, so it must
 * be deterministic in its arguments.
 */
public interface JobDefinition {
    void define(StreamEnvironment env, JobArgs args) throws Exception;
}
