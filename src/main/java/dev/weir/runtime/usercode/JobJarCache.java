package dev.weir.runtime.usercode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Downloaded job jars kept by content: {@code <directory>/<sha256>.jar}. A file gets its name only
 * after its checksum was computed, by an atomic rename, so a name always matches its content and
 * several workers on one machine can share the directory: the same content under the same name
 * is written by whoever finishes last, to the same effect. Unfinished downloads are dot files.
 */
final class JobJarCache {

    private final Path directory;

    JobJarCache(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    Path directory() {
        return directory;
    }

    /** The cached jar with this content, if some worker downloaded it before. */
    Optional<Path> find(String sha256) {
        Path file = fileFor(sha256);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** A fresh file for a download in progress, in the cache directory (so {@link #commit} is a rename). */
    Path newDownloadFile() throws IOException {
        Files.createDirectories(directory);
        return Files.createTempFile(directory, ".download-", ".jar");
    }

    /** Gives a finished download whose content has checksum {@code sha256} its name in the cache. */
    Path commit(Path download, String sha256) throws IOException {
        Path target = fileFor(sha256);
        return Files.move(download, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path fileFor(String sha256) {
        return directory.resolve(Sha256.normalize(sha256) + ".jar");
    }
}
