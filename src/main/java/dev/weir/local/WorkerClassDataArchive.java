package dev.weir.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application class-data archive (JDK AppCDS) for worker JVMs: the first worker started on a
 * given JDK and class path records the classes it loads into an archive when it exits; later
 * workers map it instead of finding, reading and verifying a few thousand classes, which is much
 * of a worker's start-up. The archive's name is a hash of the JDK and of every class-path
 * entry's name, size and modification time, so a rebuilt jar gets a new archive rather than a
 * mismatched one; a missing or unusable archive only means a slower start (-Xshare:auto).
 */
public final class WorkerClassDataArchive {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassDataArchive.class);
    private static final int KEEP = 3;

    private final Path directory;
    private final Path archive;
    private final String partialId = UUID.randomUUID().toString();

    private WorkerClassDataArchive(Path directory, String classPath) {
        this.directory = directory;
        this.archive = directory.resolve("worker-" + fingerprint(classPath) + ".jsa");
    }

    /** The archive for workers started with {@code classPath}, kept under {@code directory}. */
    public static WorkerClassDataArchive forClassPath(Path directory, WorkerClassPath classPath) {
        return new WorkerClassDataArchive(directory, classPath.asArgument());
    }

    /** The user's cache directory for archives: $XDG_CACHE_HOME/weir/cds or ~/.cache/weir/cds. */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("weir").resolve("cds");
    }

    Path archive() {
        return archive;
    }

    /**
     * JVM options for one worker: use the archive when there is one; otherwise let the worker
     * that is asked to ({@code record}) write a new one when it exits, into a file of its own that
     * is moved into place only once complete.
     */
    List<String> javaOptions(boolean record) {
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        if (!record) {
            return List.of();
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            LOG.debug("no class-data archive: cannot create {}: {}", directory, e.toString());
            return List.of();
        }
        return List.of("-XX:ArchiveClassesAtExit=" + partial(), "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /** Unique to this object, so concurrent recordings (two `weir local` runs) never share a file. */
    private Path partial() {
        return archive.resolveSibling(archive.getFileName() + "." + partialId + ".partial");
    }

    /** Called when the recording worker has exited: publishes its archive if it wrote a whole one. */
    void recorded() {
        Path partial = partial();
        try {
            if (Files.size(partial) > 0 && !Files.exists(archive)) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                LOG.debug("worker class-data archive written: {}", archive);
                pruneOldArchives();
            }
        } catch (IOException e) {
            LOG.debug("worker class-data archive not published: {}", e.toString());
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover partial file is only wasted space
            }
        }
    }

    @Override
    public String toString() {
        return "WorkerClassDataArchive[" + archive + "]";
    }

    /** Archives of earlier builds are useless once their jars changed: keep the newest few. */
    private void pruneOldArchives() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(p -> p.getFileName().toString().endsWith(".jsa")).forEach(all::add);
        }
        all.sort(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed());
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static String fingerprint(String classPath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version"))
                    .getBytes(StandardCharsets.UTF_8));
            for (String entry : classPath.split(File.pathSeparator)) {
                File file = new File(entry);
                digest.update(("|" + file.getAbsolutePath() + ":" + file.length() + ":" + file.lastModified())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
