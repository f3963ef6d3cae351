package com.example.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

class SensorStatsJobTest {

    private static StreamEnvironment define(Map<String, String> args) {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        new SensorStatsJob().define(env, new JobArgs(args));
        return env;
    }

    @Test
    void buildsSourceStatisticsAndSinkWithStableUids() {
        StreamEnvironment env = define(Map.of("readings", "1000", "sensors", "10", "output", "target/out"));
        assertThat(env.nodes()).extracting(StreamNode::uid).contains("readings", "sensor-stats", "report-sink");
    }

    @Test
    void aBadArgumentFailsTheJobAtOnceNamingIt() {
        assertRejected(Map.of("readings", "1000"),
                "job argument 'output': required: a directory or s3://bucket/prefix");
        assertRejected(Map.of("readings", "lots", "output", "out"),
                "job argument 'readings': must be an integer (got \"lots\")");
        assertRejected(Map.of("sensors", "0", "output", "out"), "job argument 'sensors': must be >= 1 (got 0)");
        assertRejected(Map.of("rate", "-5", "output", "out"), "job argument 'rate': must be >= 0 (got -5)");
        assertRejected(Map.of("sensor", "10", "output", "out"),
                "job argument 'sensor': not one this job takes (it takes output, rate, readings, sensors)");
        assertRejected(Map.of("output", "kafka://broker:9092/stats"),
                "job argument 'output': 'kafka://broker:9092/stats' is neither a directory nor s3://bucket/prefix");
    }

    private static void assertRejected(Map<String, String> args, String message) {
        assertThatThrownBy(() -> define(args)).isInstanceOfSatisfying(UnrecoverableJobException.class,
                e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION)).hasMessage(message);
    }
}
