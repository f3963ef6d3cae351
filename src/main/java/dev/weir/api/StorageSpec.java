package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Where checkpoints and savepoints are written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    /**
     * A key prefix both a directory and an S3 bucket take as it is: segments of letters, digits,
     * '.', '_' and '-' starting with a letter or digit (so no '..' and no hidden files), joined by '/'.
     */
    static final String PREFIX_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$";
    static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile(PREFIX_PATTERN);
    static final String PREFIX_RULE = "must be segments of letters, digits, '.', '_' and '-', each starting with a"
            + " letter or digit, joined by single '/' (e.g. weir or teams/payments)";

    @JsonPropertyDescription("URL of the S3-compatible endpoint, e.g. http://minio.weir:9000 or"
            + " https://s3.eu-west-1.amazonaws.com. When absent, `weir local` starts an embedded"
            + " S3-compatible store.")
    private String endpoint;

    @JsonPropertyDescription("Bucket holding checkpoints and savepoints. Default weir.")
    private String bucket = "weir";

    @JsonPropertyDescription("Key prefix inside the bucket; objects go to"
            + " <prefix>/<namespace>/<job>/checkpoints/... Segments of letters, digits, '.', '_' and '-',"
            + " each starting with a letter or digit, joined by '/'. Default weir.")
    @Pattern(PREFIX_PATTERN)
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
