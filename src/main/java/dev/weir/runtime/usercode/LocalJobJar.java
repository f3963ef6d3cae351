package dev.weir.runtime.usercode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A job jar on this machine's disk, found readable, a jar, and of the expected content.
 *
 * @param uri what {@code spec.job.jarURI} says, for messages
 * @param file where it is here (for an {@code s3://} jar: in the download cache)
 * @param sha256 its checksum, or null when nothing asked for it (hashing a large jar at every
 *     worker start would cost time for nothing)
 */
public record LocalJobJar(String uri, Path file, String sha256) {

    /** This jar with its checksum computed, so others can be told exactly which content to load. */
    public LocalJobJar withSha256() throws IOException {
        return sha256 != null ? this : new LocalJobJar(uri, file, Sha256.of(file));
    }
}
