package dev.weir.runtime.state;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * One key group of an incremental heap snapshot: {@code int sections; (UTF name, byte kind, int
 * length, bytes)*}. A restore reads the key group's snapshots of a chain oldest first, a part's
 * sections in order: {@link #FULL} replaces what the part held (a state table's section as in
 * {@link KeyGroupsFormat}, or a part that is always written whole, such as timers), {@link #EMPTY}
 * replaces it with nothing, {@link #CHANGES} applies removals and changed entries on top.
 */
final class HeapChangelogFormat {

    static final byte FULL = 0;
    static final byte CHANGES = 1;
    static final byte EMPTY = 2;

    private HeapChangelogFormat() {}

    /** One section of a part, as read. */
    record Section(byte kind, byte[] bytes) {}

    /**
     * Writes one key group of the captured parts; false (and nothing written) when there is
     * nothing to write. The first snapshot of a chain ({@code first}) writes no {@link #EMPTY}: there
     * is nothing earlier to replace.
     */
    static boolean writeKeyGroup(int keyGroupIndex, List<KeyGroupedStatePart.CapturedPart> parts, boolean first,
                                 DataOutputBuffer out) throws IOException {
        int start = out.length();
        out.writeInt(0);
        int written = 0;
        for (KeyGroupedStatePart.CapturedPart part : parts) {
            if (part instanceof KeyGroupedStatePart.CapturedChanges changes) {
                int mark = out.length();
                int lengthAt = header(out, part.name(), CHANGES);
                if (changes.writeChanges(keyGroupIndex, out)) {
                    out.writeIntAt(lengthAt, out.length() - lengthAt - Integer.BYTES);
                    written++;
                } else {
                    out.truncate(mark);
                }
            } else if (part instanceof RestoredPart restored) {
                written += restored.writeSections(keyGroupIndex, first, out);
            } else if (part.isEmpty(keyGroupIndex)) {
                if (!first) {
                    header(out, part.name(), EMPTY);
                    written++;
                }
            } else {
                int lengthAt = header(out, part.name(), FULL);
                part.write(keyGroupIndex, out);
                out.writeIntAt(lengthAt, out.length() - lengthAt - Integer.BYTES);
                written++;
            }
        }
        if (written == 0) {
            out.truncate(start);
            return false;
        }
        out.writeIntAt(start, written);
        return true;
    }

    /** Writes a section's name and kind and a zero length; returns where the length is. */
    static int header(DataOutputBuffer out, String name, byte kind) throws IOException {
        out.writeUTF(name);
        out.writeByte(kind);
        int lengthAt = out.length();
        out.writeInt(0);
        return lengthAt;
    }

    /**
     * Resolves one key group's snapshots (oldest first) into each part's sections still in effect:
     * a {@link #FULL} or {@link #EMPTY} section drops the part's earlier ones.
     */
    static Map<String, List<Section>> resolve(List<byte[]> chain) throws IOException {
        Map<String, List<Section>> parts = new LinkedHashMap<>();
        for (byte[] keyGroup : chain) {
            if (keyGroup.length == 0) {
                continue;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(keyGroup));
            int sections = in.readInt();
            for (int s = 0; s < sections; s++) {
                String name = in.readUTF();
                byte kind = in.readByte();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                List<Section> list = parts.computeIfAbsent(name, n -> new ArrayList<>());
                switch (kind) {
                    case FULL -> {
                        list.clear();
                        list.add(new Section(FULL, bytes));
                    }
                    case EMPTY -> list.clear();
                    case CHANGES -> list.add(new Section(CHANGES, bytes));
                    default -> throw new IOException("unknown section kind " + kind + " of keyed state '" + name + "'");
                }
            }
        }
        return parts;
    }

    /** Feeds a part its sections in order; a section must read to its end ({@link UnreadableState}). */
    static void apply(KeyGroupedStatePart part, int keyGroupIndex, List<Section> sections) throws IOException {
        for (Section section : sections) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(section.bytes()));
            try {
                if (section.kind() == FULL) {
                    part.read(keyGroupIndex, in);
                } else {
                    part.readChanges(keyGroupIndex, in);
                }
            } catch (IOException | RuntimeException e) {
                throw UnreadableState.misread(part.name(), e);
            }
            UnreadableState.requireFullyRead(part.name(), in.available());
        }
    }

    /**
     * Restored sections of a part not registered (yet) when a snapshot is taken: written again as
     * they are, so no state is lost because a function did not touch it.
     */
    record RestoredPart(String name, List<Section>[] sections) implements KeyGroupedStatePart.CapturedPart {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return sections[keyGroupIndex] == null || sections[keyGroupIndex].isEmpty();
        }

        /** As one {@link KeyGroupsFormat} section: only possible while it is one full section. */
        @Override
        public void write(int keyGroupIndex, java.io.DataOutput out) throws IOException {
            List<Section> list = sections[keyGroupIndex];
            if (list.size() != 1 || list.get(0).kind() != FULL) {
                throw new IOException("keyed state '" + name + "' was restored from an incremental checkpoint and not"
                        + " used since: a full snapshot (savepoint) cannot write it before the job reads it once"
                        + " (getState in open)");
            }
            out.write(list.get(0).bytes());
        }

        int writeSections(int keyGroupIndex, boolean first, DataOutputBuffer out) throws IOException {
            int written = 0;
            if (!first) {
                header(out, name, EMPTY); // replaces whatever earlier snapshots hold: what follows is all of it
                written++;
            }
            if (sections[keyGroupIndex] != null) {
                for (Section section : sections[keyGroupIndex]) {
                    int lengthAt = header(out, name, section.kind());
                    out.write(section.bytes(), 0, section.bytes().length);
                    out.writeIntAt(lengthAt, out.length() - lengthAt - Integer.BYTES);
                    written++;
                }
            }
            return written;
        }
    }
}
