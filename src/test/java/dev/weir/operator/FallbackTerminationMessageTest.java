package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FallbackTerminationMessageTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastEightyLines() throws Exception {
        Path log = Files.writeString(dir.resolve("w.log"), lines(1, 100));

        assertThat(FallbackTerminationMessage.of(log)).isEqualTo(lines(21, 100));
    }

    @Test
    void keepsTheLastEightyLinesOfALogWithoutAFinalNewline() throws Exception {
        Path log = Files.writeString(dir.resolve("w.log"), lines(1, 100) + "last");

        assertThat(FallbackTerminationMessage.of(log)).isEqualTo(lines(22, 100) + "last");
    }

    @Test
    void keepsTheEndOfLinesLongerThan2048Bytes() throws Exception {
        String log = "a".repeat(3000) + "\n" + "b".repeat(1000) + "\n";
        Path file = Files.writeString(dir.resolve("w.log"), log);

        assertThat(FallbackTerminationMessage.of(file)).isEqualTo(log.substring(log.length() - 2048));
    }

    @Test
    void aShortLogIsKeptWholeAndAMissingOneIsEmpty() throws Exception {
        Path log = Files.writeString(dir.resolve("w.log"), "only line\n");

        assertThat(FallbackTerminationMessage.of(log)).isEqualTo("only line\n");
        assertThat(FallbackTerminationMessage.of(dir.resolve("none.log"))).isEmpty();
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }
}
