package dev.weir.connectors.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * Reads the lines of a local text file, or of every file in a directory (sorted by name), as a
 * replayable, bounded source. File k belongs to subtask k mod parallelism; the state is the
 * number of lines emitted per file, restored by union so files may move on rescale.
 */
public final class TextFileSource implements Source<String> {

    private static final int BATCH = 1024;
    private final Path path;

    public TextFileSource(Path path) {
        this.path = path;
    }

    List<Path> files() {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("text file source: " + path + " is neither a file nor a directory");
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("text file source: cannot list " + path, e);
        }
    }

    @Override
    public SourceReader<String> createReader(SourceContext context) {
        List<Path> files = files();
        long[] linesDone = restoredOffsets(context.restore(), files.size());
        List<Integer> mine = new ArrayList<>();
        for (int k = context.subtask(); k < files.size(); k += context.parallelism()) {
            mine.add(k);
        }
        return new Reader(files, mine, linesDone);
    }

    private static long[] restoredOffsets(OperatorStateRestore restore, int fileCount) {
        long[] offsets = new long[fileCount];
        if (restore == null) {
            return offsets;
        }
        for (byte[] state : restore.all()) {
            ByteBuffer in = ByteBuffer.wrap(state);
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                int file = in.getInt();
                long lines = in.getLong();
                if (file < fileCount) {
                    offsets[file] = Math.max(offsets[file], lines);
                }
            }
        }
        return offsets;
    }

    private static final class Reader implements SourceReader<String> {
        private final List<Path> files;
        private final List<Integer> mine;
        private final long[] linesDone;
        private int current;
        private BufferedReader open;

        Reader(List<Path> files, List<Integer> mine, long[] linesDone) {
            this.files = files;
            this.mine = mine;
            this.linesDone = linesDone;
        }

        /**
         * Emits up to {@link #BATCH} lines, moving on across file ends within the poll: a restored
         * reader re-opens its finished files to skip their lines, and must still get somewhere.
         */
        @Override
        public InputStatus pollNext(Collector<String> output) throws IOException {
            int emitted = 0;
            while (current < mine.size() && emitted < BATCH) {
                int file = mine.get(current);
                if (open == null) {
                    open = Files.newBufferedReader(files.get(file), StandardCharsets.UTF_8);
                    for (long skip = 0; skip < linesDone[file]; skip++) {
                        if (open.readLine() == null) {
                            break;
                        }
                    }
                }
                String line = open.readLine();
                if (line == null) {
                    open.close();
                    open = null;
                    current++;
                    continue;
                }
                linesDone[file]++;
                output.collect(line);
                emitted++;
            }
            return current >= mine.size() ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
        }

        @Override
        public byte[] snapshotState(long checkpointId) {
            ByteBuffer out = ByteBuffer.allocate(4 + mine.size() * 12);
            out.putInt(mine.size());
            for (int file : mine) {
                out.putInt(file).putLong(linesDone[file]);
            }
            return out.array();
        }

        @Override
        public void close() throws IOException {
            if (open != null) {
                open.close();
            }
        }
    }
}
