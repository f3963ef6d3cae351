package dev.weir.runtime.dataflow.functions;

/** Processing-time timers, scoped to the current key. Timers are part of the checkpoint. */
public interface TimerService {
    long currentProcessingTime();

    void registerProcessingTimeTimer(long timestamp);

    void deleteProcessingTimeTimer(long timestamp);
}
