package dev.weir.operator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.weir.local.WorkerClassPath;
import dev.weir.operator.resources.WorkerPodDesired;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs each pod's worker as a JVM of this build: {@code java -cp <worker class path> WorkerMain},
 * the test's job classes included (pom.xml: failsafe's {@value WorkerClassPath#PROPERTY}).
 */
final class WorkerProcessRunner implements PodRunner {

    private final WorkerClassPath classPath = WorkerClassPath.forThisInstallation();
    private final ConcurrentLinkedQueue<Process> started = new ConcurrentLinkedQueue<>();

    @Override
    public Process start(Pod pod, String ip, Map<String, String> environment, SecretVolumes secrets, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                classPath.asArgument(), WorkerPodDesired.MAIN_CLASS));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // No mount namespace here: the variables that name a mounted file name the host's copy instead.
        builder.environment().putAll(secrets.onHost(environment));
        Process process = builder.start();
        started.add(process);
        return process;
    }

    @Override
    public void kill(String pod, Process process) {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
