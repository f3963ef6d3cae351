package dev.weir.runtime.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.storage.CheckpointStorage;

/** Fetches the files of incremental snapshots from checkpoint storage for a restore. */
record StorageStateFiles(CheckpointStorage storage) implements KeyedStateRestore.StateFiles {

    @Override
    public void download(SharedFile file, Path target) throws IOException {
        byte[] bytes = storage.store().get(file.key());
        if (bytes.length != file.length()) {
            throw new IOException("shared file " + file.key() + " has " + bytes.length + " bytes, the checkpoint says "
                    + file.length());
        }
        Files.write(target, bytes);
    }

    @Override
    public void download(StateHandle handle, Path target) throws IOException {
        Files.write(target, storage.readState(handle));
    }
}
