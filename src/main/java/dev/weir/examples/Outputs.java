package dev.weir.examples;

import java.nio.file.Path;
import java.util.function.Function;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.file.ExactlyOnceS3Sink;
import dev.weir.connectors.print.PrintSink;
import dev.weir.runtime.dataflow.Sink;

/**
 * Turns an example job's {@code output} argument into a sink: a directory, {@code discard},
 * {@code s3://bucket/prefix} with endpoint and credentials from the {@code WEIR_S3_*} environment
 * variables (see docs/connectors.md), so credentials never appear in job arguments, or
 * {@code kafka://bootstrap/topic} ({@link KafkaUri}; lines keyed by their first field).
 */
final class Outputs {

    private Outputs() {}

    static <T> Sink<T> sinkFor(String output) {
        return sinkFor(output, System::getenv);
    }

    static <T> Sink<T> sinkFor(String output, Function<String, String> environment) {
        if (output.equals("discard")) {
            return new DiscardSink<>();
        }
        if (output.equals("print")) {
            return new PrintSink<>();
        }
        if (output.startsWith("s3://")) {
            try {
                return ExactlyOnceS3Sink.fromEnvironment(output, environment);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("job argument 'output': " + e.getMessage(), e);
            }
        }
        if (output.startsWith("kafka://")) {
            return KafkaEndpoints.lineSink(KafkaUri.parse("output", output, true), "sink", Outputs::firstField);
        }
        if (output.contains("://")) {
            throw new IllegalArgumentException("job argument 'output': unsupported scheme in '" + output
                    + "' (expected a directory, s3://bucket/prefix, kafka://bootstrap/topic or discard)");
        }
        return new ExactlyOnceFileSink<>(Path.of(output));
    }

    /** The Kafka key of an output line: its first comma-separated field (keyed-count's key, word-count's word). */
    static String firstField(Object record) {
        String line = record.toString();
        int comma = line.indexOf(',');
        return comma < 0 ? line : line.substring(0, comma);
    }
}
