package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteOptions;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * One open database with its options and column families, closed once: a snapshot still reading
 * it on an upload thread holds {@link #readGuard} and is waited for; after the close it fails
 * instead of touching freed native memory.
 */
final class RocksDbInstance implements AutoCloseable {

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions columnOptions;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final List<ColumnFamilyHandle> handles;
    private final Map<String, ColumnFamilyHandle> columns = new LinkedHashMap<>();
    private final Map<String, StateKind> kinds = new LinkedHashMap<>();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** Snapshots not released yet: a database cannot close with them. */
    private final java.util.Set<Snapshot> snapshots = new java.util.HashSet<>();

    private RocksDbInstance(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions columnOptions,
                            List<ColumnFamilyDescriptor> descriptors, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.columnOptions = columnOptions;
        this.handles = handles;
        // The checkpoint is what survives a crash: no write-ahead log.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
        this.readOptions = new ReadOptions();
        for (int i = 0; i < descriptors.size(); i++) {
            StateKind.Column column = StateKind.parse(descriptors.get(i).getName());
            if (column != null) {
                columns.put(column.stateName(), handles.get(i));
                kinds.put(column.stateName(), column.kind());
            }
        }
    }

    /** Opens the database in {@code directory} with all its column families, or creates an empty one. */
    static RocksDbInstance open(Path directory) throws IOException {
        RocksDbResources resources = RocksDbResources.shared();
        DBOptions dbOptions = resources.dbOptions();
        ColumnFamilyOptions columnOptions = resources.columnOptions();
        try {
            Files.createDirectories(directory);
            List<byte[]> names = new ArrayList<>();
            if (Files.exists(directory.resolve("CURRENT"))) {
                try (Options options = new Options()) {
                    names.addAll(RocksDB.listColumnFamilies(options, directory.toString()));
                }
            }
            if (names.isEmpty()) {
                names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
            }
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, columnOptions));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new RocksDbInstance(db, dbOptions, columnOptions, descriptors, handles);
        } catch (RocksDBException e) {
            dbOptions.close();
            columnOptions.close();
            throw new IOException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
        }
    }

    RocksDB db() {
        return db;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    /** The column family of a state, created at first use; a state keeps its kind for good. */
    ColumnFamilyHandle column(String stateName, StateKind kind) {
        ColumnFamilyHandle handle = columns.get(stateName);
        if (handle != null) {
            if (kinds.get(stateName) != kind) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "keyed state '"
                        + stateName + "' was a " + kinds.get(stateName) + " state and is now declared as a " + kind
                        + " state: give the new state another name");
            }
            return handle;
        }
        try {
            handle = db.createColumnFamily(new ColumnFamilyDescriptor(kind.columnFamilyName(stateName), columnOptions));
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot create RocksDB column family for state '" + stateName + "'", e);
        }
        handles.add(handle);
        columns.put(stateName, handle);
        kinds.put(stateName, kind);
        return handle;
    }

    /** Every column family of the database, the default one included. */
    List<ColumnFamilyHandle> columnFamilies() {
        return List.copyOf(handles);
    }

    /** The states' column families: name → (kind, handle). */
    Map<String, ColumnFamilyHandle> columns() {
        return columns;
    }

    StateKind kind(String stateName) {
        return kinds.get(stateName);
    }

    /**
     * Held by a reader on another thread while it uses the database; false (not held) once the
     * database is closed or closing.
     */
    boolean readGuard() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            return false;
        }
        return true;
    }

    void releaseReadGuard() {
        lifecycle.readLock().unlock();
    }

    boolean isClosed() {
        return closed;
    }

    /** Pins the database as it is now, for a reader on another thread; released by {@link #releaseSnapshot}. */
    synchronized Snapshot takeSnapshot() {
        Snapshot snapshot = db.getSnapshot();
        snapshots.add(snapshot);
        return snapshot;
    }

    synchronized void releaseSnapshot(Snapshot snapshot) {
        if (snapshots.remove(snapshot)) {
            db.releaseSnapshot(snapshot);
        }
    }

    @Override
    public void close() {
        closed = true; // readers check it between key groups and stop early
        lifecycle.writeLock().lock();
        try {
            synchronized (this) {
                for (Snapshot snapshot : snapshots) {
                    db.releaseSnapshot(snapshot);
                }
                snapshots.clear();
            }
            for (ColumnFamilyHandle handle : handles) {
                handle.close();
            }
            db.close();
            writeOptions.close();
            readOptions.close();
            dbOptions.close();
            columnOptions.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Deletes {@code directory} and all below it. Entries that vanish meanwhile are skipped: another
     * process may be deleting the same tree (a worker that stops, and the next attempt's workers
     * sweeping what stopped workers left).
     */
    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        Files.walkFileTree(directory, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                Files.deleteIfExists(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (java.nio.file.DirectoryNotEmptyException notYet) {
                    // another process wrote into it meanwhile (it still runs): leave it to that process
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }
}
