package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

class StateFileBufferTest {

    @TempDir
    Path storeDir;
    @TempDir
    Path spillDir;

    @Test
    void smallStateStaysInMemory() throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storeDir), "weir");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (StateFileBuffer file = new StateFileBuffer(1024, spillDir)) {
            writeSome(file.output(), new DataOutputStream(expected), 10, new Random(1));

            file.writeTo(storage, "chk-1/a.state");

            assertThat(file.spilled()).isFalse();
            assertThat(file.length()).isEqualTo(expected.size());
        }
        assertThat(storage.store().get("chk-1/a.state")).isEqualTo(expected.toByteArray());
        try (var spills = Files.list(spillDir)) {
            assertThat(spills).isEmpty();
        }
    }

    @Test
    void largeStateSpillsToDiskAndIsWrittenWholeThenRemoved() throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storeDir), "weir");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (StateFileBuffer file = new StateFileBuffer(1024, spillDir)) {
            // single bytes, ints, longs and arrays across the threshold, as operators and key groups write them
            writeSome(file.output(), new DataOutputStream(expected), 500, new Random(2));

            assertThat(file.spilled()).isTrue();
            try (var spills = Files.list(spillDir)) {
                assertThat(spills).hasSize(1);
            }
            file.writeTo(storage, "chk-1/b.state");
            assertThat(file.length()).isEqualTo(expected.size());
        }
        assertThat(storage.store().get("chk-1/b.state")).isEqualTo(expected.toByteArray());
        try (var spills = Files.list(spillDir)) {
            assertThat(spills).as("the spill file is removed on close").isEmpty();
        }
    }

    @Test
    void nothingWrittenWritesNoObject() throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storeDir), "weir");
        try (StateFileBuffer file = new StateFileBuffer(1024, spillDir)) {
            file.writeTo(storage, "chk-1/c.state");
        }
        assertThat(storage.store().exists("chk-1/c.state")).isFalse();
    }

    private static void writeSome(DataOutput out, DataOutput expected, int rounds, Random random) throws Exception {
        for (int i = 0; i < rounds; i++) {
            int b = random.nextInt(256);
            int n = random.nextInt();
            long l = random.nextLong();
            byte[] array = new byte[random.nextInt(40)];
            random.nextBytes(array);
            for (DataOutput o : new DataOutput[] {out, expected}) {
                o.write(b);
                o.writeInt(n);
                o.writeLong(l);
                o.write(array, 0, array.length);
                o.writeUTF("key-" + i);
            }
        }
    }
}
