package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.network.WatermarkStatus;

class StatusWatermarkValveTest {

    private final List<Object> forwarded = new ArrayList<>();
    private final StatusWatermarkValve valve = new StatusWatermarkValve(3, new StatusWatermarkValve.Forward() {
        @Override
        public void watermark(long watermark) {
            forwarded.add(watermark);
        }

        @Override
        public void status(WatermarkStatus status) {
            forwarded.add(status);
        }
    });

    @Test
    void forwardsTheMinimumOverChannelsOnlyWhenItAdvances() throws Exception {
        valve.inputWatermark(0, 10);
        valve.inputWatermark(1, 5);
        assertThat(forwarded).as("channel 2 has said nothing yet").isEmpty();
        valve.inputWatermark(2, 7);
        valve.inputWatermark(0, 20);
        valve.inputWatermark(1, 30);
        valve.inputWatermark(1, 4);
        valve.inputWatermark(2, 25);
        assertThat(forwarded).containsExactly(5L, 7L, 20L);
        assertThat(valve.currentWatermark()).isEqualTo(20);
    }

    @Test
    void anIdleChannelStopsHoldingBackTheOthersAndAllIdleMakesTheTaskIdle() throws Exception {
        valve.inputWatermark(0, 10);
        valve.inputWatermark(1, 12);
        valve.inputStatus(2, WatermarkStatus.IDLE);
        valve.inputStatus(0, WatermarkStatus.IDLE);
        valve.inputStatus(1, WatermarkStatus.IDLE);
        valve.inputStatus(2, WatermarkStatus.ACTIVE);
        valve.inputWatermark(2, 40);
        assertThat(forwarded).containsExactly(10L, 12L, WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, 40L);
    }

    @Test
    void endOfInputIsTheMaximumWatermarkWhateverTheChannelsSaid() throws Exception {
        valve.inputWatermark(0, 10);
        valve.endOfInput();
        valve.endOfInput();
        assertThat(forwarded).containsExactly(Long.MAX_VALUE);
    }
}
