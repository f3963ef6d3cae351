package dev.weir.runtime.state.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The buffers write and read the exact bytes of the JDK's DataOutputStream / DataInputStream. */
class DataBuffersTest {

    private static final String[] STRINGS = {"", "plain", "nul\u0000inside", "é ü ß", "€ 中文", "\uD83D\uDE00 surrogates"};

    @Test
    void writesTheBytesOfADataOutputStream() throws IOException {
        long seed = System.nanoTime();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        writeAll(new DataOutputStream(expected), new Random(seed));
        DataOutputBuffer buffer = new DataOutputBuffer(1); // grows many times
        writeAll(buffer, new Random(seed));
        assertThat(buffer.toByteArray()).as("seed %d", seed).isEqualTo(expected.toByteArray());

        buffer.reset();
        assertThat(buffer.length()).isZero();
        writeAll(buffer, new Random(seed));
        assertThat(buffer.toByteArray()).as("after reset").isEqualTo(expected.toByteArray());
    }

    @Test
    void readsWhatADataOutputStreamWrote() throws IOException {
        long seed = System.nanoTime();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {9, 9, 9}); // the region starts at an offset
        writeAll(new DataOutputStream(bytes), new Random(seed));
        byte[] all = bytes.toByteArray();
        DataInputBuffer in = new DataInputBuffer();
        in.reset(all, 3, all.length - 3);
        DataInputStream reference = new DataInputStream(new ByteArrayInputStream(all, 3, all.length - 3));
        readAllAndCompare(in, reference, new Random(seed));
        assertThat(in.available()).isZero();
        assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
    }

    @Test
    void patchesAnIntWrittenBefore() throws IOException {
        DataOutputBuffer buffer = new DataOutputBuffer(16);
        buffer.writeInt(0);
        buffer.writeLong(7);
        buffer.writeIntAt(0, 0x01020304);
        assertThat(buffer.toByteArray()).startsWith(1, 2, 3, 4);
        assertThatThrownBy(() -> buffer.writeIntAt(10, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void writeAll(DataOutput out, Random random) throws IOException {
        for (int i = 0; i < 500; i++) {
            out.writeInt(random.nextInt());
            out.writeLong(random.nextLong());
            out.writeShort(random.nextInt());
            out.writeChar(random.nextInt());
            out.writeByte(random.nextInt());
            out.writeBoolean(random.nextBoolean());
            out.writeFloat(random.nextFloat());
            out.writeDouble(random.nextDouble());
            out.writeUTF(STRINGS[i % STRINGS.length]);
            byte[] raw = new byte[random.nextInt(40)];
            random.nextBytes(raw);
            out.write(raw);
        }
        out.writeBytes("ascii");
        out.writeChars("chars");
    }

    /** Reads in the order written; {@code random} replays the writer's sizes of the raw byte runs. */
    private static void readAllAndCompare(DataInput in, DataInputStream reference, Random random) throws IOException {
        for (int i = 0; i < 500; i++) {
            assertThat(in.readInt()).isEqualTo(reference.readInt()).isEqualTo(random.nextInt());
            assertThat(in.readLong()).isEqualTo(reference.readLong()).isEqualTo(random.nextLong());
            assertThat(in.readShort()).isEqualTo(reference.readShort()).isEqualTo((short) random.nextInt());
            assertThat(in.readChar()).isEqualTo(reference.readChar()).isEqualTo((char) random.nextInt());
            assertThat(in.readByte()).isEqualTo(reference.readByte()).isEqualTo((byte) random.nextInt());
            assertThat(in.readBoolean()).isEqualTo(reference.readBoolean()).isEqualTo(random.nextBoolean());
            assertThat(in.readFloat()).isEqualTo(reference.readFloat()).isEqualTo(random.nextFloat());
            assertThat(in.readDouble()).isEqualTo(reference.readDouble()).isEqualTo(random.nextDouble());
            assertThat(in.readUTF()).isEqualTo(reference.readUTF()).isEqualTo(STRINGS[i % STRINGS.length]);
            byte[] raw = new byte[random.nextInt(40)];
            random.nextBytes(raw);
            byte[] mine = new byte[raw.length];
            byte[] theirs = new byte[raw.length];
            in.readFully(mine);
            reference.readFully(theirs);
            assertThat(mine).isEqualTo(theirs).isEqualTo(raw);
        }
        byte[] tail = new byte[15];
        in.readFully(tail);
        assertThat(new String(tail, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ascii");
    }
}
