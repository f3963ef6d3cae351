package dev.weir.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The podman command line, as it works on these machines (docs: .ci/run installs podman, runc and
 * debootstrap): the runc runtime, because podman's default crun fails here ("cgroups in hybrid mode
 * not supported"), and explicit open-file and process limits, without which the runtime fails to
 * set podman's defaults.
 */
public final class Podman {

    /** The base image of the image test, made by .ci/base-image; the same name as there. */
    public static final String TEST_BASE_IMAGE = System.getenv().getOrDefault("WEIR_TEST_BASE_IMAGE",
            "localhost/weir-base:bookworm-jre17");

    private static final Logger LOG = LoggerFactory.getLogger(Podman.class);
    /** On every container: the test JVM that started it, so a later run can remove what a killed one left. */
    private static final String OWNER_LABEL = "dev.weir.test-owner-pid";
    private static final String RUNTIME = "/usr/sbin/runc";
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");
    private static final long COMMAND_TIMEOUT_SECONDS = 300;

    private Podman() {}

    /** Fails with what to do when podman, runc or the test's base image are missing. */
    public static void requireImageBuildTools() throws IOException, InterruptedException {
        for (String program : List.of("/usr/bin/podman", RUNTIME)) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new AssertionError(program + " is missing: the image test needs the Debian packages podman, runc"
                        + " and debootstrap; `bash .ci/run` (the README's test command) installs them when run as root");
            }
        }
        if (run(List.of("image", "exists", TEST_BASE_IMAGE)).exitCode() != 0) {
            throw new AssertionError("the image test's base image " + TEST_BASE_IMAGE + " is missing: build it with"
                    + " .ci/base-image (`bash .ci/run` does, once; it takes about 5 minutes)");
        }
    }

    /** {@code podman build} of {@code dockerfileDir} with the given base image, nothing pulled. */
    public static void build(Path dockerfileDir, String tag, String baseImage, Path log)
            throws IOException, InterruptedException {
        checked(List.of("build", "--pull=never", "--runtime", RUNTIME, LIMITS.get(0), LIMITS.get(1), LIMITS.get(2),
                LIMITS.get(3), "--build-arg", "BASE_IMAGE=" + baseImage, "-t", tag, dockerfileDir.toString()), log);
    }

    /**
     * Starts {@code podman run --rm} attached: the returned process lives as long as the container
     * and exits with its exit code; the container's output goes to {@code log}. Variables are
     * passed by name from this command's own environment, so no value (credentials included)
     * appears on a command line.
     */
    public static Process run(String name, List<String> options, Map<String, String> environment, String image,
                              List<String> command, Path log) throws IOException {
        List<String> args = new ArrayList<>(List.of("podman", "--runtime", RUNTIME, "run", "--rm", "--name", name,
                "--label", OWNER_LABEL + "=" + ProcessHandle.current().pid()));
        args.addAll(LIMITS);
        args.addAll(options);
        for (String variable : environment.keySet()) {
            args.add("--env");
            args.add(variable);
        }
        if (!command.isEmpty()) {
            args.add("--entrypoint");
            args.add(command.get(0));
        }
        args.add(image);
        args.addAll(command.subList(Math.min(1, command.size()), command.size()));
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        LOG.debug("podman run {} ({})", name, image);
        return builder.start();
    }

    /** SIGKILL to the container's main process, as a crash. */
    public static void kill(String name) throws IOException, InterruptedException {
        run(List.of("--runtime", RUNTIME, "kill", "--signal", "KILL", name));
    }

    /** Removes the containers, running or not, and whatever is already gone. */
    public static void remove(List<String> names) throws IOException, InterruptedException {
        if (!names.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("--runtime", RUNTIME, "rm", "--force", "--ignore", "--time", "0"));
            args.addAll(names);
            Result result = run(args);
            if (result.exitCode() != 0) {
                LOG.warn("podman rm {} failed: {}", names, result.output());
            }
        }
    }

    public static void removeImage(String tag) throws IOException, InterruptedException {
        Result result = run(List.of("rmi", "--force", tag));
        if (result.exitCode() != 0) {
            LOG.warn("podman rmi {} failed: {}", tag, result.output());
        }
    }

    /**
     * Removes the containers that a test JVM which no longer runs started (killed by a timeout,
     * say): the operator container of such a run would otherwise run on.
     */
    public static void removeContainersOfEndedTestRuns() throws IOException, InterruptedException {
        Result result = run(List.of("ps", "--all", "--filter", "label=" + OWNER_LABEL, "--format",
                "{{.Names}} {{index .Labels \"" + OWNER_LABEL + "\"}}"));
        List<String> orphans = new ArrayList<>();
        for (String line : result.output().lines().toList()) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 2 && fields[1].matches("\\d+")
                    && ProcessHandle.of(Long.parseLong(fields[1])).map(p -> !p.isAlive()).orElse(true)) {
                orphans.add(fields[0]);
            }
        }
        if (!orphans.isEmpty()) {
            LOG.warn("removing containers of test runs that ended without removing them: {}", orphans);
            remove(orphans);
        }
    }

    /** The names of the running containers that carry {@code label}. */
    public static List<String> containersLabelled(String label) throws IOException, InterruptedException {
        Result result = run(List.of("ps", "--all", "--filter", "label=" + label, "--format", "{{.Names}}"));
        return result.output().lines().filter(line -> !line.isBlank()).toList();
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("podman " + args + " did not end within " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), output);
    }

    private static void checked(List<String> args, Path log) throws IOException, InterruptedException {
        Result result = run(args);
        Files.writeString(log, result.output(), StandardCharsets.UTF_8);
        if (result.exitCode() != 0) {
            throw new IOException("podman " + args.get(0) + " failed (exit " + result.exitCode() + "); see " + log);
        }
    }
}
