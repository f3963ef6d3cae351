package dev.weir.connectors.generator;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/** A quick manual throughput check (not a test): {@code java ... GeneratorThroughputCheck}. */
final class GeneratorThroughputCheck {

    private static long sink;

    public static void main(String[] args) throws Exception {
        long count = 200_000_000L;
        for (int run = 0; run < 3; run++) {
            SourceReader<Long> reader = GeneratorSource.sequence(count).createReader(
                    new SourceContext("bench", 0, 1, 128, 0, OperatorStateRestore.empty(0, 1)));
            long start = System.nanoTime();
            while (reader.pollNext(r -> sink += r) != InputStatus.END_OF_INPUT) {
                // drain
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%.1f M records/s (%d)%n", count / seconds / 1e6, sink);
        }
    }
}
