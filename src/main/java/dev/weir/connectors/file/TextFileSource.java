package dev.weir.connectors.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/**
 * Reads the lines of a local text file, or of every file under a directory (recursively; hidden
 * files and directories, whose name starts with '.' or '_', left out), as a replayable, bounded
 * source: the local twin of {@link ObjectStoreTextSource}, with the same reader and state
 * ({@link TextSourceReader}, {@link TextSourceOffsets}). Files are named by their path relative
 * to the directory, with '/' as separator, so a checkpoint restores on another machine too.
 */
public final class TextFileSource implements Source<String> {

    static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

    private final Path path;
    private final int chunkSize;

    public TextFileSource(Path path) {
        this(path, DEFAULT_CHUNK_SIZE);
    }

    private TextFileSource(Path path, int chunkSize) {
        this.path = path;
        this.chunkSize = chunkSize;
    }

    /** Bytes read from a file at a time (tests use tiny reads to split lines and characters). */
    public TextFileSource withChunkSize(int bytes) {
        return new TextFileSource(path, TextLines.checkChunkSize(bytes));
    }

    @Override
    public SourceReader<String> createReader(SourceContext context) throws IOException {
        return TextSourceReader.open(new LocalInput(path.toAbsolutePath().normalize(), toString()), context, chunkSize);
    }

    @Override
    public String toString() {
        return "TextFileSource[" + path + "]";
    }

    private record LocalInput(Path path, String describe) implements TextInput {

        @Override
        public List<String> list() throws IOException {
            if (Files.isRegularFile(path)) {
                // Named explicitly, so read even if its name looks hidden.
                return List.of(path.getFileName().toString());
            }
            if (!Files.isDirectory(path)) {
                throw new NoSuchFileException(path.toString(), null, "neither a file nor a directory");
            }
            List<String> names = new ArrayList<>();
            Files.walkFileTree(path, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                            return !dir.equals(path) && TextInput.isHidden(dir.getFileName().toString())
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            String name = nameOf(file);
                            if (attributes.isRegularFile() && !TextInput.isHidden(name)) {
                                names.add(name);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (e instanceof FileSystemLoopException) {
                                return FileVisitResult.CONTINUE; // a link back up: its files are listed once already
                            }
                            throw e;
                        }
                    });
            names.sort(null);
            return names;
        }

        private String nameOf(Path file) {
            List<String> segments = new ArrayList<>();
            path.relativize(file).forEach(segment -> segments.add(segment.toString()));
            return String.join("/", segments);
        }

        @Override
        public OpenFile open(String name) throws IOException {
            Path file = Files.isRegularFile(path) ? path : path.resolve(name);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                return new LocalFile(file, channel, channel.size());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    private record LocalFile(Path file, FileChannel channel, long size) implements TextInput.OpenFile {

        @Override
        public void read(long position, byte[] into, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException(file + " ended at " + (position + buffer.position()) + " of " + size
                            + " bytes; input files must not change while a job reads them");
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
