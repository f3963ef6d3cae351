package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.Map;

/** Compute resources of each worker container, as Kubernetes quantities. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

    @JsonPropertyDescription("Resources the scheduler reserves per worker, e.g. {cpu: 500m, memory: 1Gi}.")
    // `cpu: 1` is a YAML number; Kubernetes quantities accept it, so do we.
    @JsonDeserialize(contentUsing = ScalarAsStringDeserializer.class)
    private Map<String, String> requests;

    @JsonPropertyDescription("Most a worker may use, e.g. {memory: 1Gi}.")
    @JsonDeserialize(contentUsing = ScalarAsStringDeserializer.class)
    private Map<String, String> limits;

    public Map<String, String> getRequests() {
        return requests;
    }

    public void setRequests(Map<String, String> requests) {
        this.requests = requests;
    }

    public Map<String, String> getLimits() {
        return limits;
    }

    public void setLimits(Map<String, String> limits) {
        this.limits = limits;
    }
}
