package dev.weir.runtime.exec;

import java.util.Arrays;

import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * A task's input watermark: the minimum over its input channels' watermarks, leaving out the idle
 * channels (Flink's StatusWatermarkValve). It only moves forward; when every channel is idle the
 * task's output is idle too, and the first channel to become active again makes it active.
 */
final class StatusWatermarkValve {

    /** What the task must forward, if anything, after an input event. */
    interface Forward {
        void watermark(long watermark) throws Exception;

        void status(WatermarkStatus status) throws Exception;
    }

    private final long[] channelWatermarks;
    private final boolean[] idle;
    private final Forward forward;
    private long lastEmitted = RecordBatch.NO_TIMESTAMP;
    private boolean outputIdle;

    StatusWatermarkValve(int channels, Forward forward) {
        this.channelWatermarks = new long[channels];
        this.idle = new boolean[channels];
        this.forward = forward;
        Arrays.fill(channelWatermarks, RecordBatch.NO_TIMESTAMP);
    }

    void inputWatermark(int channel, long watermark) throws Exception {
        if (watermark <= channelWatermarks[channel]) {
            return;
        }
        channelWatermarks[channel] = watermark;
        if (idle[channel]) {
            // A watermark from an idle channel means it produces again (a late status was lost in a restart).
            inputStatus(channel, WatermarkStatus.ACTIVE);
        } else {
            advance();
        }
    }

    void inputStatus(int channel, WatermarkStatus status) throws Exception {
        boolean nowIdle = status == WatermarkStatus.IDLE;
        if (idle[channel] == nowIdle) {
            return;
        }
        idle[channel] = nowIdle;
        if (nowIdle) {
            if (allIdle()) {
                outputIdle = true;
                forward.status(WatermarkStatus.IDLE);
            } else {
                // The channel that held the minimum may have gone idle.
                advance();
            }
        } else {
            if (outputIdle) {
                outputIdle = false;
                forward.status(WatermarkStatus.ACTIVE);
            }
            advance();
        }
    }

    /** The end of all input: whatever the channels said, every timer and window is due now. */
    void endOfInput() throws Exception {
        emit(Long.MAX_VALUE);
    }

    long currentWatermark() {
        return lastEmitted;
    }

    private void advance() throws Exception {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (int c = 0; c < channelWatermarks.length; c++) {
            if (!idle[c]) {
                min = Math.min(min, channelWatermarks[c]);
                any = true;
            }
        }
        if (any) {
            emit(min);
        }
    }

    private void emit(long watermark) throws Exception {
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            forward.watermark(watermark);
        }
    }

    private boolean allIdle() {
        for (boolean i : idle) {
            if (!i) {
                return false;
            }
        }
        return true;
    }
}
