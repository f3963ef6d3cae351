package dev.weir.runtime.storage;

import java.io.IOException;
import java.util.List;

/**
 * A flat key/value blob store: the one thing checkpoint storage and the file sinks need from a
 * filesystem or an S3-compatible bucket. Keys use '/' as separator and never start with '/'.
 *
 * <p>Implementations are thread-safe. {@link #describe()} never contains credentials.
 */
public interface ObjectStore extends AutoCloseable {

    /** Writes the whole object atomically: readers see the old object, no object, or all of it. */
    void put(String key, byte[] data) throws IOException;

    /** Writes the first {@code length} bytes of {@code data} as the whole object (atomically, as {@link #put}). */
    default void put(String key, byte[] data, int length) throws IOException {
        put(key, length == data.length ? data : java.util.Arrays.copyOf(data, length));
    }

    /**
     * Writes the local file {@code file} as the whole object (atomically, as {@link #put}); stores
     * that can stream it do, so a large object is never one array in memory.
     */
    default void put(String key, java.nio.file.Path file) throws IOException {
        put(key, java.nio.file.Files.readAllBytes(file));
    }

    /** Reads a whole object. Throws {@link java.nio.file.NoSuchFileException} if it does not exist. */
    byte[] get(String key) throws IOException;

    /** Reads {@code length} bytes starting at {@code offset}. */
    byte[] getRange(String key, long offset, int length) throws IOException;

    boolean exists(String key) throws IOException;

    /** The object's size in bytes, for ranged reads. Throws {@link java.nio.file.NoSuchFileException} if it does not exist. */
    long size(String key) throws IOException;

    /** All keys that start with {@code prefix} (recursively), sorted. */
    List<String> list(String prefix) throws IOException;

    /**
     * For cleaning up only, never for reading: {@link #list} and, in a store whose writes leave a
     * visible trace while in flight, a key for each write that has not finished (or never will, its
     * writer killed), so that a {@link #deleteAll} of its prefix is not skipped for lack of keys.
     */
    default List<String> listForCleanup(String prefix) throws IOException {
        return list(prefix);
    }

    /** Deletes one object; deleting a missing object is not an error. */
    void delete(String key) throws IOException;

    /** Deletes every object whose key starts with {@code prefix}. */
    void deleteAll(String prefix) throws IOException;

    /** A URI-like description for logs and status, e.g. {@code s3://bucket/prefix} (no secrets). */
    String describe();

    @Override
    default void close() {}
}
