package dev.weir.runtime.usercode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.zip.ZipException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;

/**
 * Turns {@code spec.job.jarURI} into a jar file on this machine: a {@code file://} or
 * {@code local://} jar is used where it is; an {@code s3://} jar is downloaded with the job's
 * storage endpoint and credentials into a {@link JobJarCache}, or taken from it when
 * {@code jarSha256} names content already there. With a checksum the jar is verified before use.
 *
 * <p>A jar that can never work (missing, not a jar, another checksum) is an
 * {@link UnrecoverableJobException} of kind JOB_JAR. A download that failed for any other reason
 * (connection refused, a timeout, a server error) is a plain IOException: a restart may succeed.
 */
public final class JobJarResolver {

    private static final Logger LOG = LoggerFactory.getLogger(JobJarResolver.class);

    private final S3Settings s3;
    private final JobJarCache cache;

    /**
     * @param s3 endpoint and credentials of the job's storage; null when it has none (then an
     *     {@code s3://} jar cannot be downloaded)
     * @param cacheDirectory where downloaded jars are kept by content
     */
    public JobJarResolver(S3Settings s3, Path cacheDirectory) {
        this.s3 = s3;
        this.cache = new JobJarCache(cacheDirectory);
    }

    /** The user's cache: {@code $XDG_CACHE_HOME/weir/jars}, or {@code ~/.cache/weir/jars}. */
    public static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("weir").resolve("jars");
    }

    /**
     * @param expectedSha256 null, or the 64 hex digits the jar's SHA-256 must have
     * @throws UnrecoverableJobException (JOB_JAR) when the jar can never be used
     * @throws IOException when an {@code s3://} download failed in a way a retry may fix
     */
    public LocalJobJar resolve(String uri, String expectedSha256) throws IOException {
        JobJarLocation location = JobJarLocation.parse(uri);
        if (expectedSha256 != null && !Sha256.isValid(expectedSha256)) {
            throw jobJar("the expected sha256 of job jar " + uri + " must be 64 hex digits (got '" + expectedSha256
                    + "')", null);
        }
        String expected = Sha256.normalize(expectedSha256);
        if (location instanceof JobJarLocation.S3Object object) {
            return download(object, expected);
        }
        Path file;
        String where;
        if (location instanceof JobJarLocation.ImageFile image) {
            file = image.path();
            where = " in the worker's image (spec.image)";
        } else {
            file = ((JobJarLocation.LocalFile) location).path();
            where = "";
        }
        requireReadableFile(uri, file, where);
        if (expected != null) {
            verify(uri, expected, Sha256.of(file));
        }
        requireJar(uri, file);
        return new LocalJobJar(uri, file, expected);
    }

    private LocalJobJar download(JobJarLocation.S3Object object, String expected) throws IOException {
        String uri = object.uri();
        if (s3 == null) {
            throw jobJar("job jar " + uri + " cannot be downloaded: the job's storage is not S3 (an s3:// jar is read"
                    + " with spec.storage's endpoint and credentials)", null);
        }
        if (expected != null) {
            Optional<Path> cached = cache.find(expected);
            if (cached.isPresent()) {
                LOG.info("job jar {}: sha256 {} found in {}", uri, expected, cache.directory());
                return new LocalJobJar(uri, cached.get(), expected);
            }
        }
        Path download = cache.newDownloadFile();
        try {
            MessageDigest digest = Sha256.newDigest();
            try (S3ObjectStore store = new S3ObjectStore(s3.withLocation(object.bucket(), ""));
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(download), digest)) {
                store.download(object.key(), out);
            } catch (NoSuchFileException e) {
                throw jobJar("job jar " + uri + " was not found at " + s3.endpoint()
                        + (e.getReason() == null ? "" : ": " + e.getReason()), e);
            } catch (IOException e) {
                throw new IOException("cannot download job jar " + uri + ": " + e.getMessage(), e);
            }
            String actual = Sha256.hex(digest);
            if (expected != null) {
                verify(uri, expected, actual);
            }
            requireJar(uri, download);
            Path file = cache.commit(download, actual);
            LOG.info("job jar {}: downloaded {} bytes (sha256 {}) to {}", uri, Files.size(file), actual, file);
            return new LocalJobJar(uri, file, actual);
        } finally {
            Files.deleteIfExists(download);
        }
    }

    private static void requireReadableFile(String uri, Path file, String where) {
        if (Files.isDirectory(file)) {
            throw jobJar("job jar " + uri + " is a directory, not a jar", null);
        }
        if (!Files.isRegularFile(file)) {
            throw jobJar("job jar " + uri + " was not found: no file " + file + where, null);
        }
        if (!Files.isReadable(file)) {
            throw jobJar("job jar " + uri + " cannot be read: permission denied for " + file + where, null);
        }
    }

    private static void verify(String uri, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw jobJar("job jar " + uri + " does not have the expected content: its sha256 is " + actual
                    + ", expected " + expected, null);
        }
    }

    private static void requireJar(String uri, Path file) throws IOException {
        try (JarFile jar = new JarFile(file.toFile())) {
            // Opening reads the central directory: enough to tell a jar from anything else.
        } catch (ZipException e) {
            throw jobJar("job jar " + uri + " is not a jar (zip) file: " + e.getMessage(), e);
        }
    }

    private static UnrecoverableJobException jobJar(String message, Throwable cause) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_JAR, message, cause);
    }
}
