package dev.weir.examples.nexmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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
        List<DigestFiles.Committed> committed = new DigestFiles(directory).list();
        record Group(long checkpointId, int parallelism) {}
        Map<Group, List<DigestFiles.Committed>> groups = committed.stream().collect(Collectors.groupingBy(
                c -> new Group(c.partial().checkpointId(), c.parallelism())));
        return groups.entrySet().stream()
                .filter(g -> g.getValue().stream().map(DigestFiles.Committed::subtask).distinct().count()
                        == g.getKey().parallelism())
                .max(Comparator.comparingLong(g -> g.getKey().checkpointId()))
                .map(g -> {
                    long rows = 0;
                    long sum = 0;
                    boolean complete = true;
                    for (DigestFiles.Committed c : g.getValue()) {
                        rows += c.partial().rows();
                        sum += c.partial().sum();
                        complete &= c.partial().ended();
                    }
                    return new DigestResult(g.getKey().checkpointId(), g.getKey().parallelism(), rows, sum, complete);
                });
    }
}
