package dev.weir;

import dev.weir.local.WeirLocal;

/** The {@code weir} command's process: runs {@link WeirCommand} and exits with its code. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        int code = WeirCommand.commandLine(System.out, System.err).execute(args);
        WeirLocal.exit(code);
    }
}
