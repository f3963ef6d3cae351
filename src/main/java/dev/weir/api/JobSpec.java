package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which user job to run and how wide. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSpec {

    @JsonPropertyDescription("Fully qualified name of the class implementing Weir's job-definition interface."
            + " It must be on the worker's classpath (Weir's image ships the example jobs). Required.")
    @Required
    private String className;

    @JsonPropertyDescription("Arguments passed to the job class as string key/value pairs.")
    // Users write `records: 1000000`; the job only ever sees strings, so scalars are taken as text.
    @JsonDeserialize(contentUsing = ScalarAsStringDeserializer.class)
    private Map<String, String> args = new LinkedHashMap<>();

    @JsonPropertyDescription("Number of workers; worker i runs subtask i of every operator. At least 1. Default 1.")
    @Min(1)
    private int parallelism = 1;

    @JsonPropertyDescription("Number of key groups, the upper bound for rescaling this job's keyed state."
            + " Between parallelism and 32768; changing it makes existing snapshots unrestorable. Default 128.")
    @Min(1)
    @Max(StreamJobSpecValidator.MAX_MAX_PARALLELISM)
    private int maxParallelism = 128;

    public String getClassName() {
        return className;
    }

    public void setClassName(String className) {
        this.className = className;
    }

    public Map<String, String> getArgs() {
        return args;
    }

    public void setArgs(Map<String, String> args) {
        this.args = args;
    }

    public int getParallelism() {
        return parallelism;
    }

    public void setParallelism(int parallelism) {
        this.parallelism = parallelism;
    }

    public int getMaxParallelism() {
        return maxParallelism;
    }

    public void setMaxParallelism(int maxParallelism) {
        this.maxParallelism = maxParallelism;
    }
}
