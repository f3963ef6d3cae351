package dev.weir.connectors.file;

import java.util.Locale;
import java.util.function.Function;

import dev.weir.runtime.storage.S3Settings;

/**
 * Turns an {@code s3://bucket/prefix} URI, plus endpoint and credentials from a template or from
 * the environment, into the settings of the bucket {@link ExactlyOnceS3Sink} writes to or
 * {@link ObjectStoreTextSource} reads from. Messages name the connector ("S3 sink", "S3 source").
 */
final class S3SinkLocation {

    static final String ENDPOINT_ENV = "WEIR_S3_ENDPOINT";
    static final String ACCESS_KEY_ENV = "WEIR_S3_ACCESS_KEY";
    static final String SECRET_KEY_ENV = "WEIR_S3_SECRET_KEY";
    static final String REGION_ENV = "WEIR_S3_REGION";
    static final String PATH_STYLE_ENV = "WEIR_S3_PATH_STYLE";

    private static final String SCHEME = "s3://";

    private S3SinkLocation() {}

    /** The template's endpoint, region and credentials; bucket and prefix from the URI. */
    static S3Settings fromUri(String uri, S3Settings template) {
        return fromUri("S3 sink", uri, template);
    }

    static S3Settings fromUri(String connector, String uri, S3Settings template) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException(connector + " URI must look like s3://bucket/prefix, got '" + uri + "'");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isBlank()) {
            throw new IllegalArgumentException(connector + " URI '" + uri + "' names no bucket (expected s3://bucket/prefix)");
        }
        try {
            return template.withLocation(bucket, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(connector + " URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    /**
     * Endpoint and credentials from {@value #ENDPOINT_ENV}, {@value #ACCESS_KEY_ENV} and
     * {@value #SECRET_KEY_ENV} (required), {@value #REGION_ENV} (optional) and
     * {@value #PATH_STYLE_ENV} (default true, what MinIO and most non-AWS servers want).
     */
    static S3Settings fromEnvironment(String uri, Function<String, String> environment) {
        return fromEnvironment("S3 sink", uri, environment);
    }

    static S3Settings fromEnvironment(String connector, String uri, Function<String, String> environment) {
        String endpoint = required(connector, uri, environment, ENDPOINT_ENV);
        String accessKey = required(connector, uri, environment, ACCESS_KEY_ENV);
        String secretKey = required(connector, uri, environment, SECRET_KEY_ENV);
        String region = blankToNull(environment.apply(REGION_ENV));
        boolean pathStyle = pathStyle(environment.apply(PATH_STYLE_ENV));
        // The placeholder bucket is replaced by the URI's right away.
        return fromUri(connector, uri, new S3Settings(endpoint, "placeholder", region, pathStyle, accessKey, secretKey, ""));
    }

    private static String required(String connector, String uri, Function<String, String> environment, String name) {
        String value = blankToNull(environment.apply(name));
        if (value == null) {
            throw new IllegalArgumentException("the " + connector + " for " + uri + " needs the environment variable " + name
                    + " (set " + ENDPOINT_ENV + ", " + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV + ")");
        }
        return value;
    }

    private static boolean pathStyle(String value) {
        if (blankToNull(value) == null) {
            return true;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(PATH_STYLE_ENV + " must be true or false, got '" + value + "'");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
