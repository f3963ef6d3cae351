package bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster as separate processes on loopback, started the way Flink's
 * {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them, but from this project's jar instead
 * of a distribution: one {@code StandaloneSessionClusterEntrypoint} JVM and {@code TaskManagerRunner}
 * JVMs with the JVM memory options that {@code BashJavaUtils} would compute from the same config file.
 * Each process logs at INFO to {@code <dir>/log/<name>.log}.
 */
final class StandaloneCluster implements AutoCloseable {

    /** What Flink's distribution passes to every JVM on Java 17 ({@code env.java.default-opts.all}). */
    private static final List<String> JAVA17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    final Path dir;
    final Path confDir;
    final int restPort;
    private final String classPath;
    private final Process jobManager;
    /** Task manager resource id ("tm-N") to its process; the ids are set, so the REST API's names them. */
    final Map<String, Process> taskManagers = new LinkedHashMap<>();
    private int nextTaskManager;

    private StandaloneCluster(Path dir, Path confDir, int restPort, String classPath, Process jobManager) {
        this.dir = dir;
        this.confDir = confDir;
        this.restPort = restPort;
        this.classPath = classPath;
        this.jobManager = jobManager;
    }

    /** Writes {@code config} (plus loopback addresses and ports) to config.yaml and starts the JobManager. */
    static StandaloneCluster start(Path dir, Map<String, String> config) throws IOException {
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("tmp"));
        int restPort = freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("jobmanager.rpc.address", "127.0.0.1");
        all.put("jobmanager.rpc.port", Integer.toString(freePort()));
        all.put("jobmanager.bind-host", "127.0.0.1");
        all.put("rest.address", "127.0.0.1");
        all.put("rest.bind-address", "127.0.0.1");
        all.put("rest.port", Integer.toString(restPort));
        all.put("taskmanager.host", "127.0.0.1");
        all.put("taskmanager.bind-host", "127.0.0.1");
        all.put("io.tmp.dirs", dir.resolve("tmp").toString());
        all.putAll(config);
        StringBuilder yaml = new StringBuilder("# written by bench/flink-recovery\n");
        all.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        String classPath = Path.of(StandaloneCluster.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath()).toString();
        List<String> cmd = java(classPath, dir, "jobmanager", List.of("-Xmx1g", "-Xms1g"));
        cmd.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        cmd.addAll(List.of("--configDir", confDir.toString()));
        Process jm = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/jobmanager.out").toFile()).start();
        return new StandaloneCluster(dir, confDir, restPort, classPath, jm);
    }

    /** Starts one more TaskManager process; returns its resource id. */
    synchronized String startTaskManager() throws IOException {
        String id = "tm-" + nextTaskManager++;
        Configuration conf = GlobalConfiguration.loadConfiguration(confDir.toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> cmd = java(classPath, dir, id,
                Arrays.asList(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")));
        cmd.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        cmd.addAll(List.of("--configDir", confDir.toString()));
        cmd.addAll(Arrays.asList(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split("\\s+")));
        cmd.addAll(List.of("-D", "taskmanager.resource-id=" + id));
        Process tm = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/" + id + ".out").toFile()).start();
        taskManagers.put(id, tm);
        return id;
    }

    private static List<String> java(String classPath, Path dir, String name, List<String> memory) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(memory);
        cmd.addAll(JAVA17_OPTS);
        cmd.add("-Dlog.file=" + dir.resolve("log/" + name + ".log"));
        cmd.add("-Dlog4j2.configurationFile=log4j2-cluster.properties");
        cmd.addAll(List.of("-cp", classPath));
        return cmd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        taskManagers.values().forEach(Process::destroyForcibly);
        jobManager.destroyForcibly();
        for (Process p : taskManagers.values()) {
            p.onExit().join();
        }
        jobManager.onExit().join();
    }
}
