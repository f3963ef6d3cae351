package com.example.sensors;

import java.nio.file.Path;

import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.file.ExactlyOnceS3Sink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.Types;

/**
 * The quickstart job: running statistics per sensor, exactly once.
 *
 * <p>Readings come from a replayable generator ({@link SensorSimulation}), are keyed by sensor
 * (crossing to the worker that owns the sensor), and {@link SensorStatsFunction} reports each
 * one with its sensor's running count, min, max and sum, written by an exactly-once sink. Every
 * worker calls {@link #define} with the same arguments and must build the same graph.
 */
public final class SensorStatsJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs jobArgs) {
        SensorStatsArgs args = SensorStatsArgs.from(jobArgs);
        long sensors = args.sensors();
        GeneratorSource<Long> sequence = GeneratorSource.sequence(args.readings());
        if (args.rate() > 0) {
            sequence = sequence.withRateLimit(args.rate());
        }
        env.fromSource(sequence, "readings")
                .map(i -> SensorSimulation.reading(i, sensors))
                .returns(new Reading.Serializer())
                .keyBy(Reading::sensor, Types.STRING)
                .process(new SensorStatsFunction())
                .uid("sensor-stats")
                .sinkTo(sink(args.output()))
                .uid("report-sink");
    }

    /**
     * A directory: the exactly-once file sink (files appear when the checkpoint that covers them
     * completes). {@code s3://bucket/prefix}: the exactly-once S3 sink, with the endpoint and
     * credentials the workers get for checkpoint storage ({@code WEIR_S3_*}).
     */
    static Sink<String> sink(String output) {
        if (output.startsWith("s3://")) {
            try {
                return ExactlyOnceS3Sink.fromEnvironment(output);
            } catch (IllegalArgumentException e) {
                // A malformed URI or a worker without S3 settings: no restart would change either.
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                        "job argument 'output': " + e.getMessage(), e);
            }
        }
        return new ExactlyOnceFileSink<>(Path.of(output));
    }
}
