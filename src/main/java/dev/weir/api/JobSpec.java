package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which user job to run and how wide. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSpec {

    /** What the CRD schema accepts as jarSha256. */
    public static final String SHA256_PATTERN = "^[0-9a-fA-F]{64}$";

    @JsonPropertyDescription("Fully qualified name of the class implementing Weir's job-definition interface"
            + " (dev.weir.runtime.dataflow.JobDefinition). It is loaded from jarURI when that is set, else from the"
            + " worker's class path (Weir's image ships the example jobs). Required.")
    @Required
    private String className;

    @JsonPropertyDescription("The jar with the job class and its dependencies (a shaded jar, with Weir itself as a"
            + " provided dependency), loaded by each worker in a class loader of its own:"
            + " local:///path/in/the/image.jar (a jar inside spec.image) or s3://bucket/key.jar (downloaded with"
            + " spec.storage's endpoint and credentials). weir local also takes file:///abs/path.jar or a path"
            + " relative to the manifest. Unset: the job class is on the worker's class path.")
    @JsonProperty("jarURI")
    private String jarURI;

    @JsonPropertyDescription("SHA-256 of the jar's content, 64 hex digits (what sha256sum prints). When set, workers"
            + " verify the jar before loading it, and s3:// jars already downloaded with this content are reused.")
    @Pattern(SHA256_PATTERN)
    private String jarSha256;

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

    @JsonProperty("jarURI")
    public String getJarURI() {
        return jarURI;
    }

    @JsonProperty("jarURI")
    public void setJarURI(String jarURI) {
        this.jarURI = jarURI;
    }

    public String getJarSha256() {
        return jarSha256;
    }

    public void setJarSha256(String jarSha256) {
        this.jarSha256 = jarSha256;
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
