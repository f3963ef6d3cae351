package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Checks a file sink's output directory before its writer starts: a path that is a file, or a
 * directory that cannot be created or written to, is a setting no restart changes, so it fails the
 * job at once (CONFIGURATION) instead of restarting it until the restart limit. Only a plain I/O
 * error, which may pass, is left to the restarts.
 */
final class OutputDirectory {

    private OutputDirectory() {}

    static void check(Path directory) throws IOException {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw unusable(directory, "is a file, not a directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw unusable(directory, "cannot be created: " + e.getFile() + " is a file", e);
        } catch (FileSystemException e) {
            throw unusable(directory, "cannot be created: " + e.getFile() + ": " + reason(e), e);
        }
        // As root, permission bits say nothing: only writing a file tells.
        try {
            Files.delete(Files.createTempFile(directory, ".weir-write-check-", ".tmp"));
        } catch (FileSystemException e) {
            throw unusable(directory, "is not writable: " + reason(e), e);
        }
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static UnrecoverableJobException unusable(Path directory, String problem) {
        return unusable(directory, problem, null);
    }

    private static UnrecoverableJobException unusable(Path directory, String problem, Throwable cause) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                "output directory " + directory.toAbsolutePath() + " " + problem, cause);
    }
}
