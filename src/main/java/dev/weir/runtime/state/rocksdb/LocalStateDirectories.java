package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the databases of this process live: {@code <root>/<pid>/<subtask>-<random>}. A worker
 * killed with SIGKILL cannot delete its directories, so the first backend of a process deletes
 * those of processes that no longer run (several workers of {@code weir local} share one root).
 */
public final class LocalStateDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStateDirectories.class);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");
    private static boolean swept;

    private LocalStateDirectories() {}

    public static Path forSubtask(Path root, String owner) {
        Path processDirectory = root.resolve(Long.toString(ProcessHandle.current().pid()));
        sweepOnce(root);
        Path directory = processDirectory.resolve(UNSAFE.matcher(owner).replaceAll("_") + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the RocksDB directory " + directory, e);
        }
        return directory;
    }

    private static synchronized void sweepOnce(Path root) {
        if (swept || !Files.isDirectory(root)) {
            swept = true;
            return;
        }
        swept = true;
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.isEmpty()) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                    LOG.info("deleting RocksDB directories of process {}, which no longer runs: {}", pid, child);
                    RocksDbInstance.deleteRecursively(child);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Cleaning up after stopped processes must never fail the subtask that starts now.
            LOG.warn("could not clean up RocksDB directories under {}: {}", root, e.toString());
        }
    }
}
