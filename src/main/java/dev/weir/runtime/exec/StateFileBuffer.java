package dev.weir.runtime.exec;

import java.io.BufferedOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.storage.CheckpointStorage;

/**
 * One subtask's state file while a checkpoint writes it: in memory while small, spilled to a local
 * temporary file once it passes {@code spillThreshold} bytes. A subtask's state file holds all its
 * keyed state; kept in one array it needed that array's size, and twice that while the array grew,
 * on top of the state itself: with 5 M keys per 2 GB worker the upload thread ran out of heap.
 * Used by one upload thread; {@link #close()} removes the spill file.
 */
final class StateFileBuffer implements AutoCloseable {

    /** Most checkpoints of most jobs stay under this and never touch the disk. */
    static final int DEFAULT_SPILL_THRESHOLD = 16 << 20;

    private final int spillThreshold;
    private final Path spillDirectory;
    private final DataOutputBuffer memory;
    private final DataOutputStream data = new DataOutputStream(new Sink());
    private Path spillFile;
    private OutputStream spilled;
    private long length;

    StateFileBuffer(int spillThreshold, Path spillDirectory) {
        this(spillThreshold, spillDirectory, 0);
    }

    /**
     * @param expectedLength what the file will likely hold (the last checkpoint's): the buffer starts
     *     that large, up to the threshold, instead of growing to it by copying itself every checkpoint
     */
    StateFileBuffer(int spillThreshold, Path spillDirectory, long expectedLength) {
        this.spillThreshold = spillThreshold;
        this.spillDirectory = spillDirectory;
        this.memory = new DataOutputBuffer((int) Math.min(spillThreshold,
                Math.max(64 * 1024, expectedLength + expectedLength / 8)));
    }

    /** Spills to the JVM's temporary directory (a pod's writable /tmp volume). */
    StateFileBuffer(long expectedLength) {
        this(DEFAULT_SPILL_THRESHOLD, Path.of(System.getProperty("java.io.tmpdir")), expectedLength);
    }

    DataOutput output() {
        return data;
    }

    long length() {
        return length;
    }

    boolean spilled() {
        return spillFile != null;
    }

    /** Writes what was written as one object at {@code key}; nothing when nothing was written. */
    void writeTo(CheckpointStorage storage, String key) throws IOException {
        if (length == 0) {
            return;
        }
        if (spillFile == null) {
            storage.writeState(key, memory.array(), memory.length());
        } else {
            spilled.close();
            storage.writeState(key, spillFile);
        }
    }

    @Override
    public void close() throws IOException {
        if (spillFile != null) {
            try {
                spilled.close();
            } finally {
                Files.deleteIfExists(spillFile);
            }
        }
    }

    private void spill() throws IOException {
        spillFile = Files.createTempFile(spillDirectory, "weir-state-", ".spill");
        spilled = new BufferedOutputStream(Files.newOutputStream(spillFile), 256 * 1024);
        spilled.write(memory.array(), 0, memory.length());
        memory.reset();
    }

    private final class Sink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            if (spillFile == null && memory.length() + 1 > spillThreshold) {
                spill();
            }
            if (spillFile == null) {
                memory.write(b);
            } else {
                spilled.write(b);
            }
            length++;
        }

        @Override
        public void write(byte[] bytes, int offset, int count) throws IOException {
            if (spillFile == null && (long) memory.length() + count > spillThreshold) {
                spill();
            }
            if (spillFile == null) {
                memory.write(bytes, offset, count);
            } else {
                spilled.write(bytes, offset, count);
            }
            length += count;
        }
    }
}
