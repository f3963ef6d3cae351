package dev.weir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.weir.runtime.logging.JdkLogging;

/**
 * The build's class-data training run (pom.xml runs it with {@code -XX:ArchiveClassesAtExit}):
 * {@code weir local} on a small keyed-count job, in process, with its embedded S3 store, frequent
 * checkpoints and the exactly-once file sink, so the archive holds what a {@code weir local} JVM
 * loads in its first seconds: manifest parsing, S3Proxy and the S3 client, the task runtime, the
 * checkpoint path with its _metadata JSON, and the sink's commits. Works in a temporary directory
 * that it deletes.
 */
public final class ClassDataTraining {

    private static final String MANIFEST = """
            apiVersion: weir.dev/v1alpha1
            kind: StreamJob
            metadata:
              name: class-data-training
            spec:
              job:
                className: dev.weir.examples.KeyedCountJob
                parallelism: 2
                args:
                  records: "3000000"
                  keys: "10000"
                  output: %s
              checkpointing:
                intervalMs: 100
            """;

    private ClassDataTraining() {}

    public static void main(String[] args) throws IOException {
        JdkLogging.routeToSlf4j();
        Path dir = Files.createTempDirectory("weir-class-data-training");
        int code;
        try {
            Path manifest = Files.writeString(dir.resolve("training.yaml"), MANIFEST.formatted(dir.resolve("output")));
            code = WeirLocal.run(new String[] {"--in-process", "--quiet", "--state-dir", dir.resolve("state").toString(),
                    manifest.toString()}, System.out, System.err);
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(code);
    }
}
