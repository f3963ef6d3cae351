package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Local-filesystem steps that survive a machine crash: a file's bytes are forced before it is
 * renamed into place, and the directory is forced after, so a committed name never points at
 * missing data and a commit is not forgotten.
 */
final class DurableFiles {

    private DurableFiles() {}

    /** Writes {@code content} to {@code temp}, forces it, and renames it over {@code target}. */
    static void replaceAtomically(Path temp, Path target, ByteBuffer content) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forces a directory's entries (renames, deletes) to disk where the platform allows it. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a directory; their rename is durable enough.
            if (Files.isDirectory(directory) && !System.getProperty("os.name", "").startsWith("Windows")) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }
}
