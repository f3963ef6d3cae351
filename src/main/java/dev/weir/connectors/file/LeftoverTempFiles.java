package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.SinkContext;

/**
 * Deletes hidden temp files that crashed earlier attempts left half-written. A temp file's name
 * carries the subtask index and attempt that wrote it; this subtask deletes those of earlier
 * attempts whose index maps to it ({@code j % parallelism == subtask}), the same rule by which it
 * inherits old subtask {@code j}'s state, so no two subtasks ever race on one file.
 */
final class LeftoverTempFiles {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverTempFiles.class);

    private LeftoverTempFiles() {}

    /** {@code namePattern} must capture the subtask index as group 1 and the attempt as group 2. */
    static void deleteOwned(Path directory, Pattern namePattern, SinkContext context) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*")) {
            for (Path file : files) {
                Matcher matcher = namePattern.matcher(file.getFileName().toString());
                if (matcher.matches()
                        && Integer.parseInt(matcher.group(1)) % context.parallelism() == context.subtask()
                        && Long.parseLong(matcher.group(2)) < context.attempt()) {
                    Files.deleteIfExists(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("{} subtask {}: deleted {} temp files of earlier attempts in {}",
                    context.jobName(), context.subtask(), deleted, directory);
        }
    }
}
