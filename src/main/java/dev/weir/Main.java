package dev.weir;

import java.util.Arrays;

import dev.weir.local.WeirLocal;

/** The {@code weir} command: dispatches to its subcommands. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println("""
                    usage: weir <command> [options]

                    commands:
                      local [--restore latest|<checkpoint-path>] [--state-dir DIR] <streamjob.yaml>
                            run a StreamJob manifest on this machine
                    """);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "local" -> {
                int code = WeirLocal.run(rest, System.out, System.err);
                if (!WeirLocal.SHUTTING_DOWN.get()) {
                    System.exit(code);
                }
            }
            default -> {
                System.err.println("weir: unknown command '" + args[0] + "' (try weir --help)");
                System.exit(2);
            }
        }
    }
}
