package dev.weir.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * The output of an operator whose side outputs are read: main records go to its main consumers,
 * side output records to the readers of their tag (nowhere if none), and watermarks and watermark
 * status to all of them, in order with the records, as Flink's side outputs do.
 */
final class SideOutputRouter implements Output {

    private final Output main;
    private final Map<String, Output> sideOutputs;
    private final Output[] all;

    SideOutputRouter(Output main, Map<String, Output> sideOutputs) {
        this.main = main;
        this.sideOutputs = Map.copyOf(sideOutputs);
        List<Output> everyOutput = new ArrayList<>();
        everyOutput.add(main);
        everyOutput.addAll(this.sideOutputs.values());
        this.all = everyOutput.toArray(new Output[0]);
    }

    @Override
    public void collect(Object record) {
        main.collect(record);
    }

    @Override
    public void collect(OutputTag<?> tag, Object record) {
        Output output = sideOutputs.get(tag.id());
        if (output != null) {
            output.collect(record);
        }
    }

    @Override
    public void emitWatermark(long watermark) {
        for (Output output : all) {
            output.emitWatermark(watermark);
        }
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        for (Output output : all) {
            output.emitWatermarkStatus(status);
        }
    }
}
