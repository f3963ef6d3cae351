package dev.weir.examples.nexmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The committed partials of a {@link DigestSink}: one small file per subtask and checkpoint,
 * {@code digest-chk<n>-<subtask>-of-<parallelism>} holding {@code rows sum ended}. A file is
 * written under a hidden name and renamed, so a reader sees whole files only; committing the same
 * partial again writes the same bytes (idempotent). Files of checkpoints below the latest one that
 * every subtask committed are deleted.
 */
final class DigestFiles {

    private static final Pattern NAME = Pattern.compile("digest-chk(\\d+)-(\\d+)-of-(\\d+)");

    private final Path directory;

    DigestFiles(Path directory) {
        this.directory = directory;
    }

    void commit(int subtask, int parallelism, DigestPartial partial) throws IOException {
        Files.createDirectories(directory);
        String name = "digest-chk" + partial.checkpointId() + "-" + subtask + "-of-" + parallelism;
        Path temp = directory.resolve("." + name + ".tmp");
        Files.writeString(temp, partial.rows() + " " + Long.toHexString(partial.sum()) + " " + partial.ended() + "\n",
                StandardCharsets.US_ASCII);
        Files.move(temp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // Files below the latest checkpoint every subtask committed are covered by it: a reader
        // never needs them. Each subtask deletes its own; subtask 0 also those of subtasks that
        // no longer exist after a rescale.
        List<Committed> all = list();
        long covered = latestComplete(all).map(g -> g.get(0).partial().checkpointId()).orElse(0L);
        for (Committed older : all) {
            if (ownedBy(older, subtask, parallelism) && older.partial().checkpointId() < covered) {
                Files.deleteIfExists(directory.resolve(older.fileName()));
            }
        }
    }

    /**
     * Deletes what an earlier run left for {@code subtask}'s index (and, for subtask 0, for indexes
     * the current parallelism no longer has). A run that starts without a restore starts a new
     * checkpoint history, whose ids may be lower than the earlier run's: those files would otherwise
     * read as the newer result and cover, so delete, every file this run commits.
     */
    void clearEarlierRun(int subtask, int parallelism) throws IOException {
        for (Committed earlier : list()) {
            if (ownedBy(earlier, subtask, parallelism)) {
                Files.deleteIfExists(directory.resolve(earlier.fileName()));
            }
        }
    }

    /** Whether {@code subtask} cleans {@code file} up: its own, and for subtask 0 those of indexes gone after a rescale. */
    private static boolean ownedBy(Committed file, int subtask, int parallelism) {
        return file.subtask() == subtask || (subtask == 0 && file.subtask() >= parallelism);
    }

    /**
     * The partials of the highest checkpoint that every subtask of one parallelism committed. (A
     * restored attempt commits its restored checkpoint again, maybe at another parallelism: both
     * groups then hold the same totals.)
     */
    static Optional<List<Committed>> latestComplete(List<Committed> committed) {
        record Group(long checkpointId, int parallelism) {}
        return committed.stream()
                .collect(Collectors.groupingBy(c -> new Group(c.partial().checkpointId(), c.parallelism())))
                .entrySet().stream()
                .filter(g -> g.getValue().stream().map(Committed::subtask).distinct().count() == g.getKey().parallelism())
                .max(Comparator.comparingLong((Map.Entry<Group, List<Committed>> g) -> g.getKey().checkpointId())
                        .thenComparingInt(g -> g.getKey().parallelism()))
                .map(Map.Entry::getValue);
    }

    /** Every committed partial in the directory (none when it does not exist). */
    List<Committed> list() throws IOException {
        List<Committed> committed = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return committed;
        }
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : paths.toList()) {
                String fileName = path.getFileName().toString();
                Matcher m = NAME.matcher(fileName);
                if (!m.matches()) {
                    continue;
                }
                String[] fields;
                try {
                    fields = Files.readString(path, StandardCharsets.US_ASCII).trim().split(" ");
                } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
                    continue;
                }
                if (fields.length != 3) {
                    throw new IOException("malformed digest file " + path);
                }
                DigestPartial partial = new DigestPartial(Long.parseLong(m.group(1)), Long.parseLong(fields[0]),
                        Long.parseUnsignedLong(fields[1], 16), Boolean.parseBoolean(fields[2]));
                committed.add(new Committed(fileName, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        partial));
            }
        }
        return committed;
    }

    record Committed(String fileName, int subtask, int parallelism, DigestPartial partial) {}
}
