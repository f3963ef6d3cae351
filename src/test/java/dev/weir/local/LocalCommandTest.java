package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code weir local}'s command line: usage, parsed options, and bad input (exit 2, one clear line, no values). */
class LocalCommandTest {

    private record Outcome(int code, String out, String err) {}

    private static Outcome weirLocal(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirLocal.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static LocalOptions parse(String... args) {
        LocalCommand command = new LocalCommand(System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        Outcome help = weirLocal("--help");
        assertThat(help.code()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: weir local ").contains("<streamjob.yaml>", "--restore=latest|<checkpoint-path>",
                "--state-dir=DIR", "--in-process", "--quiet", "--env=NAME=VALUE", "--worker-heap=SIZE", "--tls-dir=DIR", "--standby-workers=N", "--help",
                "Exit codes: 0 finished").doesNotContain("%n");
    }

    @Test
    void parsesEveryOption() {
        LocalOptions options = parse("--restore", "latest", "--state-dir", "/tmp/s", "--quiet", "--env", "A=1",
                "--env=WEIR_JDBC_PASSWORD=p=w", "--worker-heap", "2g", "--tls-dir", "/etc/weir/tls", "--rest-port", "8081",
                "--standby-workers", "1", "job.yaml");
        assertThat(options).isEqualTo(new LocalOptions(Path.of("job.yaml"), "latest", Path.of("/tmp/s"), false, false,
                Map.of("A", "1", "WEIR_JDBC_PASSWORD", "p=w"), "2g", Path.of("/etc/weir/tls"), 8081, 1));
        assertThat(options.standbyWorkers(4)).isEqualTo(1);
        assertThat(options.toString()).doesNotContain("p=w");
        LocalOptions defaults = parse("--in-process", "job.yaml");
        assertThat(defaults).isEqualTo(new LocalOptions(Path.of("job.yaml"), null,
                Path.of("weir-state"), true, true, Map.of(), null, null, 0, null));
        assertThat(parse("job.yaml").standbyWorkers(3)).as("one spare per worker by default").isEqualTo(3);
        assertThat(parse("--standby-workers", "0", "job.yaml").standbyWorkers(3)).isZero();
    }

    @Test
    void badInputExitsTwoWithTheProblemTheSynopsisAndWhereHelpIs() {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--nope", "job.yaml"), List.of("--restore"),
                List.of("a.yaml", "b.yaml"))) {
            Outcome outcome = weirLocal(args.toArray(String[]::new));
            assertThat(outcome.code()).as("%s", args).isEqualTo(2);
            assertThat(outcome.out()).isEmpty();
            assertThat(outcome.err()).startsWith("weir local: ").contains("Usage: weir local ")
                    .endsWith("Try 'weir local --help' for more information." + System.lineSeparator());
        }
        assertThat(weirLocal().err()).startsWith("weir local: Missing required parameter: '<streamjob.yaml>'");
        assertThat(weirLocal("--quite", "job.yaml").err()).startsWith("weir local: unknown option '--quite'")
                .contains("--quiet");
    }

    @Test
    void misplacedValuesAreNotEchoed() {
        assertThat(weirLocal("--evn=WEIR_JDBC_PASSWORD=hunter2", "job.yaml").err())
                .startsWith("weir local: unknown option '--evn=...'").doesNotContain("hunter2");
        assertThat(weirLocal("job.yaml", "hunter2").err())
                .startsWith("weir local: 1 more argument than expected").doesNotContain("hunter2");
        assertThat(weirLocal("--env", "=hunter2", "job.yaml").err())
                .startsWith("weir local: --env needs NAME=VALUE, got '=...'").doesNotContain("hunter2");
    }

    @Test
    void workerProcessOptionsAreRefusedWithInProcess() {
        Outcome env = weirLocal("--in-process", "--env", "A=b", "job.yaml");
        assertThat(env.code()).isEqualTo(2);
        assertThat(env.err()).startsWith("weir local: --env sets the environment of worker processes");
        Outcome heap = weirLocal("--in-process", "--worker-heap", "2g", "job.yaml");
        assertThat(heap.code()).isEqualTo(2);
        assertThat(heap.err()).startsWith("weir local: --worker-heap sets the heap of worker processes");
        Outcome spares = weirLocal("--in-process", "--standby-workers", "1", "job.yaml");
        assertThat(spares.code()).isEqualTo(2);
        assertThat(spares.err()).startsWith("weir local: --standby-workers keeps spare worker processes");
    }

    @Test
    void standbyWorkersCannotBeNegative() {
        Outcome outcome = weirLocal("--standby-workers", "-1", "job.yaml");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("weir local: --standby-workers must be 0 or more, not -1");
    }

    @Test
    void workerHeapMustBeASizeTheJvmTakes() {
        for (String size : List.of("2", "2gb", "512k", "0g", "-1g", "1.5g")) {
            Outcome outcome = weirLocal("--worker-heap", size, "job.yaml");
            assertThat(outcome.code()).as(size).isEqualTo(2);
            assertThat(outcome.err()).startsWith("weir local: --worker-heap must be a size in megabytes or gigabytes");
        }
        assertThatThrownBy(() -> parse("--worker-heap", "1.5g", "job.yaml")).isInstanceOf(CommandLine.ParameterException.class);
        assertThat(parse("--worker-heap", "768M", "job.yaml").workerHeap()).isEqualTo("768M");
    }

    @Test
    void aMissingManifestIsBadInput() {
        Outcome outcome = weirLocal("--quiet", "no-such-manifest.yaml");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("weir local: cannot read manifest: no-such-manifest.yaml: not found");
    }

    /** It used to answer "cannot read manifest: Input length = 3". */
    @Test
    void aManifestThatIsNotUtf8NamesTheByteAndTheRule(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "apiVersion: weir.dev/v1alpha1\nkind: StreamJob\n# caf\u00e9\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Outcome outcome = weirLocal("--quiet", file.toString());
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("weir local: invalid StreamJob manifest: " + file
                + ": not UTF-8 text: the byte at offset 51 (line 3) is 0xE9, which is not UTF-8 there;"
                + " a manifest must be UTF-8");
    }

    @Test
    void aDirectoryGivenAsTheManifestIsBadInput(@org.junit.jupiter.api.io.TempDir Path dir) {
        Outcome outcome = weirLocal("--quiet", dir.toString());
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("weir local: cannot read manifest: " + dir + ": is a directory");
    }
}
