package dev.weir.examples;

import java.nio.file.Path;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.print.PrintSink;
import dev.weir.runtime.dataflow.Sink;

/** Turns an example job's {@code output} argument into a sink. */
final class Outputs {

    private Outputs() {}

    static <T> Sink<T> sinkFor(String output) {
        if (output.equals("discard")) {
            return new DiscardSink<>();
        }
        if (output.equals("print")) {
            return new PrintSink<>();
        }
        if (output.startsWith("kafka://") || output.startsWith("s3://")) {
            throw new IllegalArgumentException("job argument 'output': " + output.substring(0, output.indexOf(':'))
                    + " outputs are not available in this build (use a directory or 'discard')");
        }
        if (output.contains("://")) {
            throw new IllegalArgumentException("job argument 'output': unsupported scheme in '" + output
                    + "' (expected a directory, s3://bucket/prefix, kafka://bootstrap/topic or discard)");
        }
        return new ExactlyOnceFileSink<>(Path.of(output));
    }
}
