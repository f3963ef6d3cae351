package dev.weir.examples.nexmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The rows and digest a {@link DigestSink} committed: the partials of every subtask at the latest
 * checkpoint that all subtasks committed, added up. {@code complete} when that checkpoint was taken
 * after every subtask's input had ended, i.e. the result covers the whole run.
 */
public record DigestResult(long checkpointId, int parallelism, long rows, long sum, boolean complete) {

    /** The digest as the spec prints it: 16 lowercase hex digits. */
    public String digest() {
        return String.format("%016x", sum);
    }

    /** The committed result in {@code directory}, or empty if no checkpoint was committed by every subtask. */
    public static Optional<DigestResult> read(Path directory) throws IOException {
        return DigestFiles.latestComplete(new DigestFiles(directory).list()).map(group -> {
            long rows = 0;
            long sum = 0;
            boolean complete = true;
            for (DigestFiles.Committed c : group) {
                rows += c.partial().rows();
                sum += c.partial().sum();
                complete &= c.partial().ended();
            }
            return new DigestResult(group.get(0).partial().checkpointId(), group.get(0).parallelism(), rows, sum,
                    complete);
        });
    }
}
