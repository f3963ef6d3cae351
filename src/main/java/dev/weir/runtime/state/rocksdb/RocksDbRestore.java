package dev.weir.runtime.state.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.KeyedStateRestore;

/**
 * Rebuilds a subtask's database from incremental snapshots. When one snapshot holds exactly this
 * subtask's key groups (a restart at the same parallelism), its files are downloaded into place
 * and opened: nothing is rewritten, and the next checkpoint reuses the uploaded SST files. After a
 * rescale, every snapshot whose key groups overlap is downloaded and opened on the side, and its
 * entries of this subtask's key groups are copied in (keys start with the key group, so each is
 * one range).
 */
final class RocksDbRestore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbRestore.class);
    private static final int BATCH_BYTES = 4 << 20;

    private final KeyGroupRange range;
    private final Path instanceDirectory;

    /** @param reusableSharedFiles files the database was opened from, which later checkpoints may reuse */
    record Result(RocksDbInstance instance, List<SharedFile> reusableSharedFiles) {}

    RocksDbRestore(KeyGroupRange range, Path instanceDirectory) {
        this.range = range;
        this.instanceDirectory = instanceDirectory;
    }

    Result restore(KeyedStateRestore restore) throws IOException {
        Path dbDirectory = instanceDirectory.resolve("db");
        List<IncrementalStateHandle> handles = restore.incremental();
        if (handles.isEmpty()) {
            return new Result(RocksDbInstance.open(dbDirectory), List.of());
        }
        if (handles.size() == 1 && handles.get(0).keyGroupStart() == range.start()
                && handles.get(0).keyGroupEnd() == range.end()) {
            IncrementalStateHandle handle = handles.get(0);
            download(handle, restore.files(), dbDirectory);
            LOG.info("restored RocksDB of key groups {} from {} files", range, handle.sharedFiles().size()
                    + handle.privateFiles().size());
            return new Result(RocksDbInstance.open(dbDirectory), handle.sharedFiles());
        }
        RocksDbInstance target = RocksDbInstance.open(dbDirectory);
        try {
            int n = 0;
            for (IncrementalStateHandle handle : handles) {
                Path side = instanceDirectory.resolve("restore-" + n++);
                download(handle, restore.files(), side);
                try (RocksDbInstance source = RocksDbInstance.open(side)) {
                    copyKeyGroups(source, target);
                }
                RocksDbInstance.deleteRecursively(side);
            }
            LOG.info("restored RocksDB of key groups {} from {} snapshots of other ranges (rescaled)", range,
                    handles.size());
            return new Result(target, List.of());
        } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private static void download(IncrementalStateHandle handle, KeyedStateRestore.StateFiles files, Path directory)
            throws IOException {
        Files.createDirectories(directory);
        for (SharedFile file : handle.sharedFiles()) {
            files.download(file, directory.resolve(file.name()));
        }
        for (Map.Entry<String, StateHandle> file : handle.privateFiles().entrySet()) {
            files.download(file.getValue(), directory.resolve(file.getKey()));
        }
    }

    /** Copies the entries of this subtask's key groups, column family by column family. */
    private void copyKeyGroups(RocksDbInstance source, RocksDbInstance target) throws IOException {
        byte[] start = KeyBytes.keyGroupPrefix(range.start());
        try (WriteBatch batch = new WriteBatch()) {
            for (Map.Entry<String, ColumnFamilyHandle> column : source.columns().entrySet()) {
                ColumnFamilyHandle into = target.column(column.getKey(), source.kind(column.getKey()));
                try (RocksIterator it = source.db().newIterator(column.getValue())) {
                    for (it.seek(start); it.isValid() && KeyBytes.keyGroup(it.key()) <= range.end(); it.next()) {
                        batch.put(into, it.key(), it.value());
                        if (batch.getDataSize() > BATCH_BYTES) {
                            target.db().write(target.writeOptions(), batch);
                            batch.clear();
                        }
                    }
                }
            }
            target.db().write(target.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw new IOException("cannot copy key groups " + range + " between RocksDB instances: " + e.getMessage(), e);
        }
    }
}
