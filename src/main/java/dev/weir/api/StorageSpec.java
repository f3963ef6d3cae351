package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where checkpoints and savepoints are written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    @JsonPropertyDescription("URL of the S3-compatible endpoint, e.g. http://minio.weir:9000 or"
            + " https://s3.eu-west-1.amazonaws.com. When absent, `weir local` starts an embedded"
            + " S3-compatible store.")
    private String endpoint;

    @JsonPropertyDescription("Bucket holding checkpoints and savepoints. Default weir.")
    private String bucket = "weir";

    @JsonPropertyDescription("Key prefix inside the bucket; objects go to"
            + " <prefix>/<namespace>/<job>/checkpoints/... Default weir.")
    private String prefix = "weir";

    @JsonPropertyDescription("S3 region, for stores that need one (AWS S3).")
    private String region;

    @JsonPropertyDescription("Address the bucket in the URL path (http://host/bucket/key) rather than the host"
            + " name. Most self-hosted stores need this. Default true.")
    private boolean pathStyle = true;

    @JsonPropertyDescription("Secret holding the S3 access key pair. When absent, the workers use the"
            + " default credential chain of their environment.")
    private SecretKeySelectorSpec credentialsSecret;

    @JsonPropertyDescription("`weir local` only: a local directory to write checkpoints to instead of an S3"
            + " store. Cannot be combined with endpoint.")
    private String path;

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    public SecretKeySelectorSpec getCredentialsSecret() {
        return credentialsSecret;
    }

    public void setCredentialsSecret(SecretKeySelectorSpec credentialsSecret) {
        this.credentialsSecret = credentialsSecret;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }
}
