package dev.weir.runtime.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} over a directory of the local filesystem: one file per key, '/' in keys
 * mapped to subdirectories.
 *
 * <p>Files whose name starts with '.' are in-flight writes and are never listed; for that reason
 * no key segment may start with '.'. A writer killed mid-write leaves its temporary file behind:
 * {@link #deleteAll} deletes those under the prefix too, so a discarded checkpoint leaves nothing.
 */
public final class LocalObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectStore.class);

    private final Path root;

    public LocalObjectStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        put(key, data, data.length);
    }

    @Override
    public void put(String key, byte[] data, int length) throws IOException {
        putAtomically(key, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(data, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    @Override
    public void put(String key, Path file) throws IOException {
        putAtomically(key, channel -> {
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = source.size();
                long done = 0;
                while (done < size) {
                    done += source.transferTo(done, size - done, channel);
                }
            }
        });
    }

    private interface ChannelWrite {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes into a temporary file beside the target, forces it to disk, then moves it into place. */
    private void putAtomically(String key, ChannelWrite write) throws IOException {
        Path target = resolve(key);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (NoSuchFileException e) {
            // A concurrent deleteAll may have pruned the freshly created, still empty directory.
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                write.writeTo(channel);
                // Checkpoint files must survive a machine crash once we report them durable.
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        return Files.readAllBytes(resolve(key));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for " + key);
        }
        try (FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            long position = offset;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new EOFException(
                            describe(key) + " has " + channel.size() + " bytes, range " + offset + "+" + length + " requested");
                }
                position += read;
            }
            return buffer.array();
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(resolve(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        for (Path file : filesUnder(prefix, false)) {
            keys.add(keyOf(file));
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    /** Also the temporary files of writes, as {@code <dir>/<name><random>.tmp}. */
    @Override
    public List<String> listForCleanup(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        for (Path file : filesUnder(prefix, true)) {
            keys.add(keyOrWrittenKeyOf(file, true));
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        // A write still in flight under a discarded prefix belongs to an aborted checkpoint: its
        // writer fails to move it into place and declines, which the coordinator ignores by then.
        for (Path file : filesUnder(prefix, true)) {
            Files.deleteIfExists(file);
        }
        pruneEmptyDirectories(prefix);
    }

    @Override
    public String describe() {
        return root.toUri().toString().replaceAll("/$", "");
    }

    private String describe(String key) {
        return describe() + "/" + key;
    }

    @Override
    public String toString() {
        return "LocalObjectStore[" + describe() + "]";
    }

    /**
     * Regular files whose key starts with {@code prefix}; with {@code inFlight} also the temporary
     * files of writes to such keys ({@code .<name><random>.tmp}).
     */
    private List<Path> filesUnder(String prefix, boolean inFlight) throws IOException {
        Path start = searchStart(prefix);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && keyOrWrittenKeyOf(file, inFlight).startsWith(prefix)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            // A concurrent delete (retention of an old checkpoint) may remove what the walk was about to read:
            // a listing made while keys disappear need not show them.
            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e == null || e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found;
    }

    /** The file's key; for a temporary file the key it is written to (plus a random part), else "". */
    private String keyOrWrittenKeyOf(Path file, boolean inFlight) {
        String name = file.getFileName().toString();
        if (!name.startsWith(".")) {
            return keyOf(file);
        }
        if (!inFlight || !name.endsWith(".tmp") || file.getParent().equals(root)) {
            return "";
        }
        return keyOf(file.getParent()) + "/" + name.substring(1);
    }

    /** Removes directories emptied by a deleteAll, so deleted checkpoints leave no trace. */
    private void pruneEmptyDirectories(String prefix) throws IOException {
        Path start = searchStart(prefix);
        if (!Files.isDirectory(start)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> paths = Files.walk(start)) {
            dirs = paths.filter(Files::isDirectory)
                    .filter(d -> !d.equals(root))
                    .filter(d -> (keyOf(d) + "/").startsWith(prefix))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        }
        for (Path dir : dirs) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException e) {
                LOG.debug("not pruning {}: a concurrent writer put a file there", dir);
            }
        }
    }

    /** The deepest directory that can contain every key with this prefix. */
    private Path searchStart(String prefix) {
        int slash = prefix.lastIndexOf('/');
        return slash < 0 ? root : resolveDirectory(prefix.substring(0, slash));
    }

    private String keyOf(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private Path resolve(String key) {
        checkKey(key);
        return root.resolve(key);
    }

    private Path resolveDirectory(String dir) {
        checkKey(dir);
        return root.resolve(dir);
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("invalid object key '" + key + "'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".") || segment.contains("\\")) {
                throw new IllegalArgumentException("invalid object key '" + key + "'");
            }
        }
    }
}
