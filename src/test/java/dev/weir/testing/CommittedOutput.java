package dev.weir.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** An independent reader of a sink's output directory: visible files only, as a consumer would read it. */
public final class CommittedOutput {

    private CommittedOutput() {}

    public static List<String> lines(Path directory) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : visibleFiles(directory)) {
            lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return lines;
    }

    public static List<Path> visibleFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> !isHidden(f)).sorted().toList();
        }
    }

    public static List<Path> hiddenFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(CommittedOutput::isHidden).sorted().toList();
        }
    }

    private static boolean isHidden(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") || name.startsWith("_");
    }
}
