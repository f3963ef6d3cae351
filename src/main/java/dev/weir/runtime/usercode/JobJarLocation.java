package dev.weir.runtime.usercode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Where a job jar is, as {@code spec.job.jarURI} names it. {@code weir local} turns a path relative
 * to the manifest into a {@code file://} URI before anything reads it, so a worker sees only
 * absolute locations.
 */
public sealed interface JobJarLocation {

    /** The URI as the user wrote it (after weir local made a relative path absolute): for messages. */
    String uri();

    /** {@code file:///abs/job.jar} or {@code /abs/job.jar}: a file on the machine that runs {@code weir local}. */
    record LocalFile(String uri, Path path) implements JobJarLocation {}

    /** {@code local:///path/in/the/image.jar}: a file inside the worker's container image. */
    record ImageFile(String uri, Path path) implements JobJarLocation {}

    /** {@code s3://bucket/key.jar}: downloaded with the job's storage endpoint and credentials. */
    record S3Object(String uri, String bucket, String key) implements JobJarLocation {}

    /**
     * Parses a jar URI.
     *
     * @throws UnrecoverableJobException (JOB_JAR) naming the URI and what is wrong with it
     */
    static JobJarLocation parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw invalid(uri, "it is empty");
        }
        if (!uri.contains("://")) {
            Path path = Path.of(uri);
            if (!path.isAbsolute()) {
                throw invalid(uri, "a relative path needs a manifest to be relative to (weir local resolves it"
                        + " against the manifest's directory)");
            }
            return new LocalFile(uri, path.normalize());
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid(uri, e.getReason());
        }
        String scheme = parsed.getScheme();
        if ("file".equals(scheme)) {
            return new LocalFile(uri, absolutePath(uri, parsed));
        }
        if ("local".equals(scheme)) {
            return new ImageFile(uri, absolutePath(uri, parsed));
        }
        if ("s3".equals(scheme)) {
            String bucket = parsed.getHost();
            String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/+", "");
            if (bucket == null || bucket.isBlank() || key.isEmpty()) {
                throw invalid(uri, "expected s3://bucket/key.jar");
            }
            return new S3Object(uri, bucket, key);
        }
        throw invalid(uri, "the scheme must be file://, local:// or s3://");
    }

    private static Path absolutePath(String uri, URI parsed) {
        if (parsed.getAuthority() != null || parsed.getPath() == null || !parsed.getPath().startsWith("/")) {
            throw invalid(uri, "expected " + parsed.getScheme() + ":///absolute/path/job.jar (three slashes)");
        }
        return Path.of(parsed.getPath()).normalize();
    }

    private static UnrecoverableJobException invalid(String uri, String problem) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_JAR,
                "job jar URI '" + uri + "' is not valid: " + problem);
    }
}
