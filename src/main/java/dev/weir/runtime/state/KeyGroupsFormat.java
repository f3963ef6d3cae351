package dev.weir.runtime.state;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * The canonical format of one key group's keyed state, which every backend writes into full
 * snapshots and savepoints and reads back, so a savepoint of either backend restores into
 * either: {@code int sections; (UTF name, int length, bytes)*}, one section per named part; a
 * state's section is {@code int entries; (key, value)*} with the state's serializers (map and list
 * states: the whole map or list of a key as its value).
 */
public final class KeyGroupsFormat {

    private KeyGroupsFormat() {}

    /** Receives the sections of a key group as they are read. */
    @FunctionalInterface
    public interface SectionReader {
        void section(int keyGroupIndex, String name, byte[] bytes) throws IOException;
    }

    public static void readKeyGroup(int keyGroup, KeyGroupRange range, byte[] bytes, SectionReader reader)
            throws IOException {
        if (!range.contains(keyGroup)) {
            throw new IllegalArgumentException("key group " + keyGroup + " outside " + range);
        }
        int index = keyGroup - range.start();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int sections = in.readInt();
        for (int s = 0; s < sections; s++) {
            String name = in.readUTF();
            byte[] section = new byte[in.readInt()];
            in.readFully(section);
            reader.section(index, name, section);
        }
    }

    /**
     * Writes one key group's sections of the captured parts into {@code out}; returns false (and
     * writes nothing) when every part is empty in that key group.
     */
    public static boolean writeKeyGroup(int keyGroupIndex, List<KeyGroupedStatePart.CapturedPart> parts,
                                 DataOutputBuffer out) throws IOException {
        int start = out.length();
        out.writeInt(0); // number of sections, patched below
        int written = 0;
        for (KeyGroupedStatePart.CapturedPart part : parts) {
            if (part.isEmpty(keyGroupIndex)) {
                continue;
            }
            out.writeUTF(part.name());
            int lengthAt = out.length();
            out.writeInt(0);
            part.write(keyGroupIndex, out);
            out.writeIntAt(lengthAt, out.length() - lengthAt - Integer.BYTES);
            written++;
        }
        if (written == 0) {
            out.truncate(start);
            return false;
        }
        out.writeIntAt(start, written);
        return true;
    }
}
