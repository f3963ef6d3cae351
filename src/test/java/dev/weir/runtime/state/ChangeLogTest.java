package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.Types;

class ChangeLogTest {

    @Test
    void aLogOfLongKeysWritesTheBytesOfALogOfBoxedKeys() throws Exception {
        ChangeLog unboxed = ChangeLog.forLongKeys();
        ChangeLog boxed = ChangeLog.forObjectKeys();
        long[] keys = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40};
        for (int version = 1; version <= 2; version++) {
            for (int i = 0; i < 100; i++) { // past a segment's first capacity
                long key = keys[i % keys.length] + i;
                Object value = i % 7 == 0 ? ChangeLog.REMOVED : "v" + version + "-" + i;
                unboxed.add(key, value, version);
                boxed.add(Long.valueOf(key), value, version);
            }
        }

        assertThat(written(unboxed.since(0))).isEqualTo(written(boxed.since(0)));
        assertThat(written(unboxed.since(1))).isEqualTo(written(boxed.since(1)));
        assertThat(unboxed.entries()).isEqualTo(200);
        unboxed.forget(1);
        assertThat(unboxed.entries()).isEqualTo(100);
    }

    @Test
    void aLogTakesOnlyItsKindOfKey() {
        assertThatThrownBy(() -> ChangeLog.forLongKeys().add(Long.valueOf(1), "v", 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ChangeLog.forObjectKeys().add(1L, "v", 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSegmentStartsWithRoomForAsManyChangesAsTheOneBefore() {
        ChangeLog log = ChangeLog.forLongKeys();
        for (long key = 0; key < 10_000; key++) {
            log.add(key, "v", 1);
        }
        log.add(0L, "v", 2);

        ChangeLog.Segment[] segments = log.since(0);
        assertThat(segments[1].capacity()).isGreaterThanOrEqualTo(10_000);
        assertThat(ChangeLog.capacityAfter(null)).isEqualTo(ChangeLog.capacityAfter(segments[1]));
    }

    private static byte[] written(ChangeLog.Segment[] segments) throws Exception {
        DataOutputBuffer out = new DataOutputBuffer(256);
        for (ChangeLog.Segment s : segments) {
            s.write(out, Types.LONG, Types.STRING);
        }
        return java.util.Arrays.copyOf(out.array(), out.length());
    }
}
