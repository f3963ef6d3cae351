package dev.weir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The {@code weir} command line: subcommands listed, their help reachable, bad input exit 2. */
class WeirCommandTest {

    private record Outcome(int code, String out, String err) {}

    private static Outcome weir(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() {
        Outcome help = weir("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: weir [-h] <command>").containsPattern("(?m)^  local +Runs a StreamJob")
                .containsPattern("(?m)^  help ");
    }

    @Test
    void everyWayToAskForLocalsHelpGivesTheSameUsage() {
        String usage = weir("local", "--help").out();
        assertThat(usage).startsWith("Usage: weir local ").contains("--in-process", "--quiet", "--env=NAME=VALUE",
                "--worker-heap=SIZE", "--restore=", "--state-dir=DIR");
        assertThat(weir("help", "local").out()).isEqualTo(usage);
        assertThat(weir("local", "-h").out()).isEqualTo(usage);
    }

    @Test
    void noCommandOrAnUnknownOneIsBadInput() {
        Outcome none = weir();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("weir: a command is required").contains("Try 'weir --help'");
        Outcome unknown = weir("lcoal", "job.yaml");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("weir: unknown command 'lcoal'").contains("local");
    }

    @Test
    void subcommandErrorsNameTheSubcommand() {
        Outcome outcome = weir("local", "--nope", "job.yaml");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("weir local: unknown option '--nope'");
    }
}
