package dev.weir.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class path of the worker processes started on this machine ({@code weir local}, the
 * benchmarks, the tests): Weir's own code and the worker's dependency set, about 45 jars, which
 * the build lays out in {@code target/worker/lib} (pom.xml) as the image does in
 * {@code /opt/weir/worker/lib}. Not the class path of the process that starts them, whose 260 jars
 * hold S3Proxy, Jetty and the AWS SDK for the embedded store, and Quarkus for the operator.
 *
 * @param entries the class path in order, each jar of a directory listed on its own (so the
 *     class-data archive's fingerprint sees every jar, and the order does not depend on the file system)
 */
public record WorkerClassPath(List<Path> entries) {

    /**
     * Sets the worker class path instead: entries separated by {@code :}, {@code dir/*} meaning
     * every jar in {@code dir}. The tests set it to add their own job classes (target/test-classes).
     */
    public static final String PROPERTY = "weir.worker.class-path";
    /** Where the build puts the worker's jars, next to weir.jar (or to the classes directory). */
    static final Path LIB = Path.of("worker", "lib");

    public WorkerClassPath {
        entries = List.copyOf(entries);
    }

    /** From {@value #PROPERTY} when set, else Weir's own jar and the worker jars the build put beside it. */
    public static WorkerClassPath forThisInstallation() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return parse(configured);
        }
        return besideCode(codeLocation());
    }

    /** {@code code} (weir.jar or a classes directory) and every jar in {@code worker/lib} beside it. */
    static WorkerClassPath besideCode(Path code) {
        Path lib = code.toAbsolutePath().getParent().resolve(LIB);
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no worker class path: " + lib + " does not exist (mvn package builds it)"
                    + " and -D" + PROPERTY + " is not set");
        }
        List<Path> entries = new ArrayList<>();
        entries.add(code.toAbsolutePath());
        entries.addAll(jarsIn(lib));
        return new WorkerClassPath(entries);
    }

    /** A class path as {@code java -cp} takes it, {@code dir/*} expanded to the jars in dir. */
    public static WorkerClassPath parse(String classPath) {
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (entry.endsWith(File.separator + "*")) {
                entries.addAll(jarsIn(Path.of(entry.substring(0, entry.length() - 2)).toAbsolutePath()));
            } else {
                entries.add(Path.of(entry).toAbsolutePath());
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("-D" + PROPERTY + " names no class-path entry: '" + classPath + "'");
        }
        return new WorkerClassPath(entries);
    }

    /** The value of {@code java -cp}. */
    public String asArgument() {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    /** How many of the entries are jars. */
    public long jarCount() {
        return entries.stream().filter(p -> p.getFileName().toString().endsWith(".jar")).count();
    }

    @Override
    public String toString() {
        return "WorkerClassPath[" + entries.size() + " entries, first " + entries.get(0) + "]";
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("no worker class path: no jars in " + dir);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the worker jars in " + dir, e);
        }
    }

    private static Path codeLocation() {
        try {
            return Path.of(WorkerClassPath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where Weir's classes come from", e);
        }
    }
}
