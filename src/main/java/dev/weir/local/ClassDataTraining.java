package dev.weir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.weir.runtime.logging.JdkLogging;

/**
 * The build's class-data training run (pom.xml runs it with {@code -XX:ArchiveClassesAtExit}):
 * {@code weir local} on a small keyed-count job with its embedded S3 store, frequent checkpoints
 * and the exactly-once file sink, once in process and once with worker processes (the default),
 * so the archive holds what a {@code weir local} JVM loads in its first seconds either way:
 * manifest parsing, S3Proxy and the S3 client, the task runtime, the coordinator's control plane
 * (HTTP server and client, JSON protocol), the checkpoint path with its _metadata JSON, and the
 * sink's commits. The worker processes record their own archive as in any first run (README).
 * Works in a temporary directory that it deletes.
 */
public final class ClassDataTraining {

    private static final String MANIFEST = """
            apiVersion: weir.dev/v1alpha1
            kind: StreamJob
            metadata:
              name: class-data-training-%s
            spec:
              job:
                className: dev.weir.examples.KeyedCountJob
                parallelism: 2
                args:
                  records: "%d"
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
            code = run(dir, "in-process", 3_000_000, "--in-process");
            if (code == 0) {
                // No spares: they would only be started to be stopped when this short job ends.
                code = run(dir, "workers", 1_000_000, "--standby-workers", "0");
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(code);
    }

    private static int run(Path dir, String mode, long records, String... options) throws IOException {
        Path manifest = Files.writeString(dir.resolve(mode + ".yaml"),
                MANIFEST.formatted(mode, records, dir.resolve("output-" + mode)));
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--quiet", "--state-dir", dir.resolve("state").toString(), manifest.toString()));
        return WeirLocal.run(args.toArray(String[]::new), System.out, System.err);
    }
}
