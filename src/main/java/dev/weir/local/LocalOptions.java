package dev.weir.local;

import java.nio.file.Path;

/**
 * Command-line options of {@code weir local}.
 *
 * @param restore null (fresh start), "latest", or a checkpoint/savepoint location
 * @param stateDir where the embedded S3-compatible store keeps its files
 * @param progress print a progress line every second
 * @param inProcess run every subtask as a thread of this process instead of P worker processes
 */
public record LocalOptions(Path manifest, String restore, Path stateDir, boolean progress, boolean inProcess) {

    public static final String USAGE =
            "usage: weir local [--restore latest|<checkpoint-path>] [--state-dir DIR] [--in-process] [--quiet] <streamjob.yaml>";

    public static LocalOptions parse(String[] args) {
        Path manifest = null;
        String restore = null;
        Path stateDir = Path.of("weir-state");
        boolean progress = true;
        boolean inProcess = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--restore" -> restore = value(args, ++i, arg);
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, arg));
                case "--quiet" -> progress = false;
                case "--in-process" -> inProcess = true;
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
        return new LocalOptions(manifest, restore, stateDir, progress, inProcess);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }
}
