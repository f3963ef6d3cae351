package dev.weir.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options of {@code weir local}.
 *
 * @param restore null (fresh start), "latest", or a checkpoint/savepoint location
 * @param stateDir where the embedded S3-compatible store keeps its files
 * @param progress print a progress line every second
 * @param inProcess run every subtask as a thread of this process instead of P worker processes
 * @param environment extra environment variables of the worker processes ({@code --env NAME=VALUE}),
 *     what a Secret gives the pods on Kubernetes, e.g. connector credentials
 */
public record LocalOptions(Path manifest, String restore, Path stateDir, boolean progress, boolean inProcess,
                           Map<String, String> environment) {

    public static final String USAGE =
            "usage: weir local [--restore latest|<checkpoint-path>] [--state-dir DIR] [--in-process] [--quiet]"
                    + " [--env NAME=VALUE]... <streamjob.yaml>";

    /** Leaves out the environment's values: they may be credentials. */
    @Override
    public String toString() {
        return "LocalOptions[manifest=" + manifest + ", restore=" + restore + ", stateDir=" + stateDir + ", progress="
                + progress + ", inProcess=" + inProcess + ", environment=" + environment.keySet() + "]";
    }

    public static LocalOptions parse(String[] args) {
        Path manifest = null;
        String restore = null;
        Path stateDir = Path.of("weir-state");
        boolean progress = true;
        boolean inProcess = false;
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--restore" -> restore = value(args, ++i, arg);
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, arg));
                case "--quiet" -> progress = false;
                case "--in-process" -> inProcess = true;
                case "--env" -> {
                    String assignment = value(args, ++i, arg);
                    int equals = assignment.indexOf('=');
                    if (equals < 1) {
                        // Only the name: the value may be a secret.
                        throw new IllegalArgumentException("--env needs NAME=VALUE, got '"
                                + (equals < 0 ? assignment : "=...") + "'\n" + USAGE);
                    }
                    environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                    }
                    if (manifest != null) {
                        throw new IllegalArgumentException("only one manifest may be given\n" + USAGE);
                    }
                    manifest = Path.of(arg);
                }
            }
        }
        if (manifest == null) {
            throw new IllegalArgumentException("no StreamJob manifest given\n" + USAGE);
        }
        if (inProcess && !environment.isEmpty()) {
            // An in-process job reads this process's environment, which Java cannot change.
            throw new IllegalArgumentException("--env sets the environment of worker processes; with --in-process set"
                    + " the variables in the environment of weir local itself\n" + USAGE);
        }
        return new LocalOptions(manifest, restore, stateDir, progress, inProcess, Map.copyOf(environment));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }
}
