package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Points at the S3 access key pair inside a Kubernetes Secret in the job's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeySelectorSpec {

    @JsonPropertyDescription("Name of the Secret, in the StreamJob's namespace. Required.")
    @Required
    private String name;

    @JsonPropertyDescription("Key in the Secret whose value is the S3 access key id. Required.")
    @Required
    private String accessKeyKey;

    @JsonPropertyDescription("Key in the Secret whose value is the S3 secret access key. Required.")
    @Required
    private String secretKeyKey;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getAccessKeyKey() {
        return accessKeyKey;
    }

    public void setAccessKeyKey(String accessKeyKey) {
        this.accessKeyKey = accessKeyKey;
    }

    public String getSecretKeyKey() {
        return secretKeyKey;
    }

    public void setSecretKeyKey(String secretKeyKey) {
        this.secretKeyKey = secretKeyKey;
    }
}
