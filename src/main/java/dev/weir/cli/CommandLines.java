package dev.weir.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code weir} command line behaves: usage on {@code --help} (stdout, exit 0), bad
 * input answered with one line naming the command and the problem, the synopsis and where to find
 * help (stderr, exit 2); the command's own result is its exit code (0 finished, 1 failed).
 */
public final class CommandLines {

    /** Exit code of bad input: unknown options, missing or malformed arguments. */
    public static final int BAD_INPUT = 2;

    private CommandLines() {
    }

    /** {@code command} with Weir's conventions, writing to {@code out} and {@code err}. */
    public static CommandLine configure(CommandLine command, PrintStream out, PrintStream err) {
        return command
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setParameterExceptionHandler(CommandLines::badInput);
    }

    private static int badInput(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + message(e, command));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print(command.getHelp().fullSynopsis());
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return BAD_INPUT;
    }

    /**
     * picocli's message, except for arguments nobody expected: those are named without their
     * values, which may be credentials typed in the wrong place ({@code --evn NAME=secret}).
     */
    private static String message(ParameterException e, CommandLine command) {
        if (!(e instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return e.getMessage();
        }
        String first = unmatched.getUnmatched().get(0);
        if (first.startsWith("-")) {
            int equals = first.indexOf('=');
            return "unknown option '" + (equals < 0 ? first : first.substring(0, equals) + "=...") + "'";
        }
        if (!command.getSubcommands().isEmpty()) {
            return "unknown command '" + first + "'";
        }
        int extra = unmatched.getUnmatched().size();
        return extra + " more argument" + (extra == 1 ? "" : "s") + " than expected (not shown: they may hold values)";
    }
}
