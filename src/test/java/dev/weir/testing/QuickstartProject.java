package dev.weir.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The job quickstart (k8s-examples/quickstart-job) as the build made it: a copy of the project
 * under target/it/quickstart-job, built by the maven-invoker-plugin in pre-integration-test, with
 * its jar in target/. Its classes are in no class path of Weir's: the tests check that too.
 */
public final class QuickstartProject {

    public static final String JOB_CLASS = "com.example.sensors.SensorStatsJob";
    /** Where the job's classes live inside a jar or a classes directory. */
    public static final String PACKAGE_PATH = "com/example/sensors/";

    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final Path dir;

    private QuickstartProject(Path dir) {
        this.dir = dir;
    }

    /** The built project; fails with what to do when the build step did not run. */
    public static QuickstartProject built() {
        String location = System.getProperty("weir.quickstart.dir");
        if (location == null) {
            throw new AssertionError("system property weir.quickstart.dir is not set: run this test through"
                    + " Maven's failsafe plugin (mvn verify -Dit.test=...), which sets it");
        }
        QuickstartProject project = new QuickstartProject(Path.of(location));
        if (!Files.isRegularFile(project.jar())) {
            throw new AssertionError("no quickstart job jar at " + project.jar() + ": mvn verify builds it in"
                    + " pre-integration-test (maven-invoker-plugin); do not pass -Dinvoker.skip to run this test");
        }
        return project;
    }

    public Path dir() {
        return dir;
    }

    public Path jar() {
        return dir.resolve("target/quickstart-job.jar");
    }

    /** One of the project's manifests as a tree, to read or adapt. */
    public ObjectNode manifest(String file) throws IOException {
        return (ObjectNode) YAML.readTree(dir.resolve(file).toFile());
    }

    /**
     * The project's {@code sensor-stats.yaml} with another name, args and checkpoint interval,
     * written beside it, so that its relative {@code jarURI} names the built jar as it does for a user.
     */
    public Path localManifest(String name, Map<String, String> args, long intervalMs) throws IOException {
        ObjectNode manifest = manifest("sensor-stats.yaml");
        ((ObjectNode) manifest.get("metadata")).put("name", name);
        ObjectNode job = (ObjectNode) manifest.get("spec").get("job");
        ObjectNode jobArgs = job.putObject("args");
        args.forEach(jobArgs::put);
        ((ObjectNode) manifest.get("spec").get("checkpointing")).put("intervalMs", intervalMs);
        Path file = dir.resolve(name + ".yaml");
        YAML.writeValue(file.toFile(), manifest);
        return file;
    }

    /** The entries of a class path (as java.class.path spells it) that hold any of the job's classes. */
    public static List<String> classPathEntriesWithTheJob(String classPath) throws IOException {
        List<Path> entries = Stream.of(classPath.split(File.pathSeparator)).filter(e -> !e.isEmpty()).map(Path::of)
                .toList();
        return entriesWithTheJob(entries);
    }

    /** Of {@code entries} (jars or class directories), those that hold any of the job's classes. */
    public static List<String> entriesWithTheJob(List<Path> entries) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path entry : entries) {
            if (Files.isDirectory(entry)) {
                if (Files.exists(entry.resolve(PACKAGE_PATH))) {
                    found.add(entry.toString());
                }
            } else if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
                try (ZipFile jar = new ZipFile(entry.toFile())) {
                    if (jar.stream().anyMatch(e -> e.getName().startsWith(PACKAGE_PATH))) {
                        found.add(entry.toString());
                    }
                }
            }
        }
        return found;
    }
}
