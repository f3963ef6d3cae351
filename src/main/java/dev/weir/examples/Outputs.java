package dev.weir.examples;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.file.ExactlyOnceS3Sink;
import dev.weir.connectors.print.PrintSink;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Turns an example job's {@code output} argument into a sink: a directory, {@code discard},
 * {@code s3://bucket/prefix} with endpoint and credentials from the {@code WEIR_S3_*} environment
 * variables (see docs/connectors.md), so credentials never appear in job arguments,
 * {@code kafka://bootstrap/topic} ({@link KafkaUri}; lines keyed by their first field), or a
 * {@code jdbc:postgresql://} URL ({@link JdbcOutputs}).
 */
public final class Outputs {

    private Outputs() {}

    /** Public for test jobs that wrap the example outputs (e.g. with failure injection). */
    public static <T> Sink<T> sinkFor(String output) {
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
            return deferred(output, environment, ExactlyOnceS3Sink::fromEnvironment);
        }
        if (output.startsWith("jdbc:")) {
            return deferred(output, environment, JdbcOutputs::sinkFor);
        }
        if (output.startsWith("kafka://")) {
            return KafkaEndpoints.lineSink(KafkaUri.parse("output", output, true), "sink", Outputs::firstField);
        }
        if (output.contains("://")) {
            throw JobArgs.invalid("output", "unsupported scheme in '" + output + "' (expected a directory,"
                    + " s3://bucket/prefix, kafka://bootstrap/topic, jdbc:postgresql://host:port/db?table=t&mode=m or discard)");
        }
        return new ExactlyOnceFileSink<>(Path.of(output));
    }

    /** The Kafka key of an output line: its first comma-separated field (keyed-count's key, word-count's word). */
    static String firstField(Object record) {
        String line = record.toString();
        int comma = line.indexOf(',');
        return comma < 0 ? line : line.substring(0, comma);
    }
    /**
     * Validates the setting now with placeholder credentials (so a malformed URI fails at job
     * build), and reads the real environment when the writer is created on a worker.
     */
    private static <T> Sink<T> deferred(String output, Function<String, String> environment,
                                        BiFunction<String, Function<String, String>, Sink<T>> factory) {
        Function<String, String> placeholders = name -> {
            String value = environment.apply(name);
            return value != null ? value : PLACEHOLDERS.get(name);
        };
        Sink<T> validated = build(output, placeholders, factory);
        String description = validated.toString();
        return new DeferredSink<>(description, () -> build(output, environment, factory));
    }

    private static <T> Sink<T> build(String output, Function<String, String> environment,
                                     BiFunction<String, Function<String, String>, Sink<T>> factory) {
        try {
            return factory.apply(output, environment);
        } catch (IllegalArgumentException e) {
            // A malformed URI, or a worker without the variables the output needs: no restart changes either.
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                    "job argument 'output': " + e.getMessage(), e);
        }
    }

    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "WEIR_S3_ENDPOINT", "http://placeholder.invalid", "WEIR_S3_ACCESS_KEY", "-", "WEIR_S3_SECRET_KEY", "-",
            "WEIR_JDBC_USER", "-");
}
