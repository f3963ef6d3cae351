package dev.weir.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.weir.runtime.worker.WorkerJvm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weir local}: its options (the usage text is generated from them) and the run. */
@Command(name = "local", sortOptions = false, usageHelpAutoWidth = true,
        description = "Runs a StreamJob manifest on this machine: the coordinator in this process and one worker"
                + " process per parallel subtask, checkpointing into an embedded S3-compatible store by default.",
        footer = {"", "Exit codes: 0 finished, or stopped with a savepoint (SIGTERM, Ctrl-C); 1 failed, or stopped"
                + " without a savepoint (resume with --restore latest), or the checkpoint store did not answer at the start;"
                + " 2 bad input: the manifest, an option, the job's class, jar, arguments or output, or storage"
                + " settings that cannot work (no credentials, or ones the store refuses)."})
public final class LocalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "<streamjob.yaml>", description = "The StreamJob manifest.")
    private Path manifest;

    @Option(names = "--restore", paramLabel = "latest|<checkpoint-path>",
            description = "Start from the latest completed checkpoint in storage, or from the given checkpoint or"
                    + " savepoint. Default: empty state (or spec.initialSavepointPath).")
    private String restore;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "weir-state",
            description = "Where the embedded store keeps checkpoints and workers write their logs."
                    + " Default: ${DEFAULT-VALUE}.")
    private Path stateDir;

    @Option(names = "--in-process", description = "Run every subtask as a thread of this process instead of"
            + " worker processes.")
    private boolean inProcess;

    @Option(names = "--quiet", description = "No progress line every second (nor the REST API's and the"
            + " dashboard's addresses) on stderr.")
    private boolean quiet;

    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "A variable of every worker process (repeatable), as a Secret gives pods, e.g."
                    + " WEIR_JDBC_PASSWORD=... Names Weir sets itself are refused.")
    private List<String> env = new ArrayList<>();

    @Option(names = "--worker-heap", paramLabel = "SIZE",
            description = "Heap of each worker process, e.g. 512m or 2g. Default: "
                    + WorkerJvm.HEAP_PERCENT_OF_MEMORY + "%% of"
                    + " spec.resources.limits.memory (else requests.memory), as on Kubernetes; else "
                    + WorkerHeap.DEFAULT + ".")
    private String workerHeap;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "Mutual TLS between the coordinator and the worker processes and among the workers, with"
                    + " DIR/tls.crt, DIR/tls.key and DIR/ca.crt (the layout of a Kubernetes TLS Secret). Default: plain"
                    + " HTTP and TCP on loopback.")
    private Path tlsDirectory;

    @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "0",
            description = "Loopback port of the job's REST API (docs/rest-api.md; 'weir jobs' finds it in --state-dir)."
                    + " Default: a free port.")
    private int restPort;

    @Option(names = "--standby-workers", paramLabel = "N",
            description = "Spare worker processes kept ready, with the job loaded, so that a restart after a failure"
                    + " does not wait for new JVMs; 0: none. Default: one per worker (the job's parallelism).")
    private Integer standbyWorkers;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final PrintStream out;
    private final PrintStream err;

    public LocalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        return WeirLocal.run(options(), out, err);
    }

    /** The parsed options, checked where picocli cannot: {@code --env} values and combinations. */
    LocalOptions options() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String assignment : env) {
            int equals = assignment.indexOf('=');
            if (equals < 1) {
                // Only the name: the value may be a secret.
                throw bad("--env needs NAME=VALUE, got '" + (equals < 0 ? assignment : "=...") + "'");
            }
            environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
        }
        if (inProcess && !environment.isEmpty()) {
            // An in-process job reads this process's environment, which Java cannot change.
            throw bad("--env sets the environment of worker processes; with --in-process set the variables in the"
                    + " environment of weir local itself");
        }
        if (workerHeap != null) {
            if (inProcess) {
                throw bad("--worker-heap sets the heap of worker processes; with --in-process set the heap of weir"
                        + " local itself (WEIR_JAVA_OPTS=-Xmx... for bin/weir)");
            }
            try {
                WorkerHeap.checkedSize(workerHeap);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }
        if (tlsDirectory != null && inProcess) {
            throw bad("--tls-dir secures the connections of worker processes; --in-process has none");
        }
        if (standbyWorkers != null && inProcess) {
            throw bad("--standby-workers keeps spare worker processes; --in-process has none");
        }
        if (standbyWorkers != null && standbyWorkers < 0) {
            throw bad("--standby-workers must be 0 or more, not " + standbyWorkers);
        }
        if (restPort < 0 || restPort > 65535) {
            throw bad("--rest-port must be a port number (0-65535), not " + restPort);
        }
        return new LocalOptions(manifest, restore, stateDir, !quiet, inProcess, Map.copyOf(environment), workerHeap,
                tlsDirectory, restPort, standbyWorkers);
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
